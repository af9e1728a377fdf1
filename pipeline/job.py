"""Build the cleaning pipeline from plain arguments, run it, and summarise it from its metrics."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Sequence

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.clean import CleanOptions
from pipeline.readers import JsonlFields
from pipeline.rules import Rule
from pipeline.transforms import (
    ARTICLES, BYTES_IN, BYTES_OUT, CLEAN, DOCS_CLEAN, DOCS_READ, DOCS_REJECTED, HEADLINE_REPEATS, MASS_REMOVAL, NAMESPACE, REJECTED,
    CleanArticles, ReadArticles, WriteJsonl, rejected_counter, rule_docs_counter, rule_hits_counter,
)

SUMMARY_FILE = "summary.json"


@dataclass(frozen=True)
class JobConfig:
    input_pattern: str
    output_dir: str
    rules: Sequence[Rule]
    input_format: str = "auto"
    fields: JsonlFields = JsonlFields()
    clean: CleanOptions = field(default_factory=CleanOptions)


def build_pipeline(config: JobConfig, options: PipelineOptions) -> beam.Pipeline:
    """Read articles, clean them, write clean and rejected JSONL; nothing runs yet."""
    pipeline = beam.Pipeline(options=options)
    read = pipeline | "ReadArticles" >> ReadArticles(config.input_pattern, config.input_format, config.fields)
    cleaned = read[ARTICLES] | "CleanArticles" >> CleanArticles(config.rules, config.clean)
    cleaned[CLEAN] | "WriteClean" >> WriteJsonl(config.output_dir, CLEAN)
    (
        (read[REJECTED], cleaned[REJECTED])
        | "GatherRejections" >> beam.Flatten()
        | "WriteRejected" >> WriteJsonl(config.output_dir, REJECTED)
    )
    return pipeline


def counter_totals(result: beam.runners.runner.PipelineResult) -> dict[str, int]:
    """Our counters summed over steps; committed values where the runner has them."""
    totals: dict[str, int] = {}
    for counter in result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        totals[counter.key.metric.name] = totals.get(counter.key.metric.name, 0) + (value or 0)
    return totals


def summarize(counters: dict[str, int], rules: Sequence[Rule]) -> dict:
    """The run's numbers, from Beam counters, in the shape written to summary.json."""
    reason_prefix = rejected_counter("")
    return {
        "documents": {
            "read": counters.get(DOCS_READ, 0),
            "clean": counters.get(DOCS_CLEAN, 0),
            "rejected": counters.get(DOCS_REJECTED, 0),
        },
        "rejected_by_reason": {
            name[len(reason_prefix):]: value for name, value in sorted(counters.items()) if name.startswith(reason_prefix)
        },
        "bytes": {"in": counters.get(BYTES_IN, 0), "out": counters.get(BYTES_OUT, 0)},
        "headline_repeats_removed": counters.get(HEADLINE_REPEATS, 0),
        "flagged_mass_removal": counters.get(MASS_REMOVAL, 0),
        "rules": {
            rule.name: {"hits": counters.get(rule_hits_counter(rule.name), 0),
                        "documents": counters.get(rule_docs_counter(rule.name), 0)}
            for rule in rules
        },
    }


def write_summary(summary: dict, output_dir: str) -> str:
    path = FileSystems.join(output_dir, SUMMARY_FILE)
    with FileSystems.create(path, mime_type="application/json") as out:
        out.write(json.dumps(summary, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")
    return path


def format_summary(summary: dict) -> str:
    docs, size = summary["documents"], summary["bytes"]
    lines = [
        f"documents: {docs['read']} read, {docs['clean']} clean, {docs['rejected']} rejected",
        f"bytes: {size['in']} in, {size['out']} out",
        f"headline repeats removed: {summary['headline_repeats_removed']}",
        f"flagged for mass removal by rules: {summary['flagged_mass_removal']}",
    ]
    lines += [f"  rejected {reason}: {count}" for reason, count in summary["rejected_by_reason"].items()]
    fired = {name: hits for name, hits in summary["rules"].items() if hits["hits"]}
    lines.append(f"rules: {len(fired)} of {len(summary['rules'])} fired")
    lines += [f"  {name}: {hits['hits']} hits in {hits['documents']} documents" for name, hits in fired.items()]
    return "\n".join(lines)


def read_jsonl(pattern: str) -> list[dict]:
    """Every JSON record in the files matching ``pattern``, on any Beam filesystem."""
    records = []
    for metadata in sorted(FileSystems.match([pattern])[0].metadata_list, key=lambda m: m.path):
        with FileSystems.open(metadata.path) as stream:
            records.extend(json.loads(line) for line in stream.read().decode("utf-8").splitlines() if line.strip())
    return records


def read_clean_output(output_dir: str) -> list[dict]:
    return read_jsonl(FileSystems.join(output_dir, f"{CLEAN}-*.jsonl"))


def run_job(config: JobConfig, options: PipelineOptions) -> dict:
    """Run the pipeline to the end, write summary.json next to the outputs and return the summary."""
    result = build_pipeline(config, options).run()
    result.wait_until_finish()
    summary = summarize(counter_totals(result), config.rules)
    write_summary(summary, config.output_dir)
    return summary
