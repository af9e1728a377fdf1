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
from pipeline.readers import DEFAULT_MAX_DOC_BYTES, JsonlFields
from pipeline.rules import Rule
from pipeline.transforms import (
    ARTICLES,
    BYTES_IN,
    BYTES_OUT,
    CLEAN,
    DOCS_CLEAN,
    DOCS_READ,
    DOCS_REJECTED,
    DUPLICATE_IDS,
    FILE_COUNTS,
    HEADLINE_REPEATS,
    MASS_REMOVAL,
    NAMESPACE,
    REJECTED,
    CleanArticles,
    CountDuplicateIds,
    ReadArticles,
    ReconcileFiles,
    WriteJsonl,
    rejected_counter,
    rule_docs_counter,
    rule_hits_counter,
)

FILES = "files"
SUMMARY_FILE = "summary.json"
EVAL_FILE = "eval.json"
# Everything a run writes into its output folder; a rerun replaces all of it or nothing.
OUTPUT_PATTERNS = (f"{CLEAN}-*.jsonl", f"{REJECTED}-*.jsonl", f"{FILES}-*.jsonl", SUMMARY_FILE, EVAL_FILE)


class OutputError(Exception):
    """The output folder cannot take this run's files."""


@dataclass(frozen=True)
class JobConfig:
    input_pattern: str
    output_dir: str
    rules: Sequence[Rule]
    input_format: str = "auto"
    fields: JsonlFields = JsonlFields()
    clean: CleanOptions = field(default_factory=CleanOptions)
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES


def build_pipeline(config: JobConfig, options: PipelineOptions) -> beam.Pipeline:
    """Read articles, clean them, write clean and rejected JSONL; nothing runs yet."""
    pipeline = beam.Pipeline(options=options)
    read = pipeline | "ReadArticles" >> ReadArticles(
        config.input_pattern, config.input_format, config.fields, config.max_doc_bytes)
    cleaned = read[ARTICLES] | "CleanArticles" >> CleanArticles(config.rules, config.clean)
    rejected = (read[REJECTED], cleaned[REJECTED]) | "GatherRejections" >> beam.Flatten()
    cleaned[CLEAN] | "WriteClean" >> WriteJsonl(config.output_dir, CLEAN)
    rejected | "WriteRejected" >> WriteJsonl(config.output_dir, REJECTED)
    cleaned[CLEAN] | "CountDuplicateIds" >> CountDuplicateIds()
    (
        {"file_counts": read[FILE_COUNTS], "clean": cleaned[CLEAN], "rejected": rejected}
        | "ReconcileFiles" >> ReconcileFiles()
        | "WriteFileTallies" >> WriteJsonl(config.output_dir, FILES)
    )
    return pipeline


def prepare_output_dir(output_dir: str, overwrite: bool) -> None:
    """Make sure the folder can take a new run: refuse a previous run's files, or delete them all.

    Also writes and deletes a probe file, so an unwritable folder fails before any data is read.
    """
    previous = [m.path for r in FileSystems.match([FileSystems.join(output_dir, p) for p in OUTPUT_PATTERNS])
                for m in r.metadata_list]
    if previous and not overwrite:
        raise OutputError(f"--output {output_dir} already holds a previous run's files ({len(previous)}, e.g. "
                          f"{previous[0]}); pass --overwrite to replace them, or choose another folder")
    if previous:
        FileSystems.delete(previous)
    probe = FileSystems.join(output_dir, ".newsclean-write-check")
    try:
        FileSystems.mkdirs(output_dir)
    except OSError:
        pass  # it exists already; the probe below tells whether it can be written
    try:
        with FileSystems.create(probe) as out:
            out.write(b"")
        FileSystems.delete([probe])
    except Exception as error:
        raise OutputError(f"--output {output_dir} cannot be written: {error}") from None


def counter_totals(result: beam.runners.runner.PipelineResult) -> dict[str, int]:
    """Our counters summed over steps; committed values where the runner has them."""
    totals: dict[str, int] = {}
    for counter in result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        totals[counter.key.metric.name] = totals.get(counter.key.metric.name, 0) + (value or 0)
    return totals


def summarize(counters: dict[str, int], rules: Sequence[Rule], files: dict) -> dict:
    """The run's numbers, from Beam counters and the per-file tallies, in the shape written to summary.json."""
    reason_prefix = rejected_counter("")
    return {
        "documents": {
            "read": counters.get(DOCS_READ, 0),
            "clean": counters.get(DOCS_CLEAN, 0),
            "rejected": counters.get(DOCS_REJECTED, 0),
        },
        "files": files,
        "rejected_by_reason": {
            name[len(reason_prefix):]: value for name, value in sorted(counters.items()) if name.startswith(reason_prefix)
        },
        "bytes": {"in": counters.get(BYTES_IN, 0), "out": counters.get(BYTES_OUT, 0)},
        "headline_repeats_removed": counters.get(HEADLINE_REPEATS, 0),
        "flagged_mass_removal": counters.get(MASS_REMOVAL, 0),
        "duplicate_ids": counters.get(DUPLICATE_IDS, 0),
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
    docs, size, files = summary["documents"], summary["bytes"], summary["files"]
    lines = [f"documents: {docs['read']} read, {docs['clean']} clean, {docs['rejected']} rejected"]
    lines += [f"  rejected {reason}: {count}" for reason, count in summary["rejected_by_reason"].items()]
    lines += [
        f"files: {files['read']} read, {len(files['not_reconciled'])} where read != clean + rejected",
        f"bytes: {size['in']} in, {size['out']} out",
        f"headline repeats removed: {summary['headline_repeats_removed']}",
        f"flagged for mass removal by rules: {summary['flagged_mass_removal']}",
        f"ids used by more than one clean record: {summary['duplicate_ids']}",
    ]
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


def file_reconciliation(output_dir: str) -> dict:
    """Input files, and those whose records read differ from clean plus rejected (never, unless a bug)."""
    tallies = read_jsonl(FileSystems.join(output_dir, f"{FILES}-*.jsonl"))
    unreconciled = sorted(t["source"] for t in tallies if t["read"] != t["clean"] + t["rejected"])
    return {"read": len(tallies), "not_reconciled": unreconciled}


def run_job(config: JobConfig, options: PipelineOptions) -> dict:
    """Run the pipeline to the end, write summary.json next to the outputs and return the summary."""
    result = build_pipeline(config, options).run()
    result.wait_until_finish()
    summary = summarize(counter_totals(result), config.rules, file_reconciliation(config.output_dir))
    write_summary(summary, config.output_dir)
    return summary
