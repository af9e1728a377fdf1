"""Build the cleaning pipeline from plain arguments, run it, and summarise it from its metrics."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.clean import CleanOptions
from pipeline.dedup import DedupOptions, Duplicate
from pipeline.dedup_transforms import DOCS_DUPLICATE, DUPLICATES, Deduplicate, duplicate_counter
from pipeline.ledger import LedgerEntry
from pipeline.readers import ReadOptions
from pipeline.records import CleanArticle, FileTally, Rejection
from pipeline.rules.schema import Rule
from pipeline.transforms import (
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
    RECORDS,
    REJECTED,
    REMOVED,
    CleanArticles,
    CountDuplicateIds,
    ReadArticles,
    ReconcileFiles,
    moved_to_duplicates,
    rejected_counter,
    rule_docs_counter,
    rule_hits_counter,
)
from pipeline.writers import WRITERS, Writer

FILES = "files"
SUMMARY_FILE = "summary.json"
EVAL_FILE = "eval.json"
# What `python -m pipeline report` writes beside a run's outputs; it describes that run, so a rerun replaces it.
REPORT_FILE = "report.html"
# summary.json and eval.json are written under this suffix and renamed when complete.
PARTIAL = ".partial"
OUTPUT_FORMAT = "jsonl"
# Everything a run writes into its output folder, in any format; a rerun replaces all of it or nothing.
OUTPUT_PATTERNS = (*(writer.pattern(prefix) for writer in WRITERS.values()
                     for prefix in (CLEAN, REJECTED, DUPLICATES, FILES, REMOVED)),
                   SUMMARY_FILE, EVAL_FILE, REPORT_FILE, "*" + PARTIAL)


class OutputError(Exception):
    """The output folder cannot take this run's files."""


@dataclass(frozen=True)
class JobConfig:
    input_pattern: str
    output_dir: str
    rules: Sequence[Rule]
    input_format: str = "auto"
    read: ReadOptions = field(default_factory=ReadOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    output_format: str = OUTPUT_FORMAT
    compression: str = "none"
    num_shards: int = 0   # 0: the runner decides
    dedup: DedupOptions = field(default_factory=DedupOptions)


def build_pipeline(config: JobConfig, options: PipelineOptions) -> beam.Pipeline:
    """Read articles, clean them, set duplicates apart, write clean, rejected, duplicate and per-file records
    (and the removal ledger with ``config.clean.ledger``); nothing runs yet."""
    def write(prefix: str, record_type: type) -> Writer:
        return WRITERS[config.output_format](config.output_dir, prefix, record_type, config.compression, config.num_shards)

    pipeline = beam.Pipeline(options=options)
    read = pipeline | "ReadArticles" >> ReadArticles(config.input_pattern, config.input_format, config.read)
    # The reader's rejections go through CleanArticles with the articles: one stream of rejections, no Flatten.
    cleaned = read[RECORDS] | "CleanArticles" >> CleanArticles(config.rules, config.clean)
    deduplicated = cleaned[CLEAN] | "Deduplicate" >> Deduplicate(config.dedup)
    kept, duplicates = deduplicated[CLEAN], deduplicated[DUPLICATES]
    kept | "WriteClean" >> write(CLEAN, CleanArticle)
    cleaned[REJECTED] | "WriteRejected" >> write(REJECTED, Rejection)
    if config.clean.ledger:
        cleaned[REMOVED] | "WriteLedger" >> write(REMOVED, LedgerEntry)
    duplicates | "WriteDuplicates" >> write(DUPLICATES, Duplicate)
    kept | "CountDuplicateIds" >> CountDuplicateIds()
    (
        (read[FILE_COUNTS], cleaned[FILE_COUNTS], duplicates | "DuplicatesPerFile" >> beam.Map(moved_to_duplicates))
        | "ReconcileFiles" >> ReconcileFiles()
        | "WriteFileTallies" >> write(FILES, FileTally)
    )
    return pipeline


def _inside(path: str, folder: str) -> bool:
    if FileSystems.get_scheme(folder) is None:   # local: ../ and symlinks resolved first
        return os.path.realpath(path).startswith(os.path.join(os.path.realpath(folder), ""))
    return path.startswith(folder.rstrip("/") + "/")


def prepare_output_dir(output_dir: str, overwrite: bool, input_pattern: str) -> None:
    """Make sure the folder can take a new run: refuse a previous run's files, or delete them all.

    Refuses a folder that holds input files: ``--overwrite`` would delete them before they are read.
    Also writes and deletes a probe file, so an unwritable folder fails before any data is read.
    """
    inputs = [m.path for m in FileSystems.match([input_pattern])[0].metadata_list if _inside(m.path, output_dir)]
    if inputs:
        raise OutputError(f"--input {input_pattern} matches {len(inputs)} file(s) inside --output {output_dir} "
                          f"(e.g. {inputs[0]}); the run would replace its own input: choose another --output")
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
    duplicates = counters.get(DOCS_DUPLICATE, 0)
    return {
        "documents": {
            "read": counters.get(DOCS_READ, 0),
            # docs.clean counts every article cleaned; the duplicates among them went to duplicates-*.
            "clean": counters.get(DOCS_CLEAN, 0) - duplicates,
            "rejected": counters.get(DOCS_REJECTED, 0),
            "duplicates": duplicates,
        },
        "duplicates_by_match": {match: counters.get(duplicate_counter(match), 0) for match in ("exact", "near")},
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


def write_atomically(path: str, data: bytes) -> str:
    """Write ``path`` under a temporary name and rename it when complete: a full disk or a write error
    leaves no file (and no folder that looks finished), never a cut one."""
    partial = path + PARTIAL
    try:
        with FileSystems.create(partial, mime_type="application/json") as out:
            out.write(data)
        FileSystems.rename([partial], [path])
    except BaseException:
        try:
            FileSystems.delete([partial])
        except Exception:
            pass   # it may not exist; the error that matters is the one raised below
        raise
    return path


def write_summary(summary: dict, output_dir: str) -> str:
    """summary.json, last of a run's files, so that its presence means the run finished."""
    return write_atomically(FileSystems.join(output_dir, SUMMARY_FILE),
                            json.dumps(summary, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")


def format_summary(summary: dict) -> str:
    docs, size, files = summary["documents"], summary["bytes"], summary["files"]
    lines = [f"documents: {docs['read']} read, {docs['clean']} clean, {docs['rejected']} rejected, "
             f"{docs['duplicates']} duplicates ({summary['duplicates_by_match']['exact']} exact, "
             f"{summary['duplicates_by_match']['near']} near)"]
    lines += [f"  rejected {reason}: {count}" for reason, count in summary["rejected_by_reason"].items()]
    lines += [
        f"files: {files['read']} read, {len(files['not_reconciled'])} where read != clean + rejected + duplicates",
        f"bytes: {size['in']} in, {size['out']} out",
        f"headline repeats removed: {summary['headline_repeats_removed']}",
        f"flagged for mass removal by rules: {summary['flagged_mass_removal']}",
        f"ids used by more than one clean record: {summary['duplicate_ids']}",
    ]
    fired = {name: hits for name, hits in summary["rules"].items() if hits["hits"]}
    lines.append(f"rules: {len(fired)} of {len(summary['rules'])} fired")
    lines += [f"  {name}: {hits['hits']} hits in {hits['documents']} documents" for name, hits in fired.items()]
    return "\n".join(lines)


def read_output(output_dir: str, prefix: str, output_format: str = OUTPUT_FORMAT) -> list[dict]:
    """Every record a run wrote under ``prefix`` (``clean``, ``rejected``, ``files``), shard by shard."""
    writer = WRITERS[output_format]
    pattern = FileSystems.join(output_dir, writer.pattern(prefix))
    paths = sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)
    return [record for path in paths for record in writer.read(path)]


def file_reconciliation(output_dir: str, output_format: str = OUTPUT_FORMAT) -> dict:
    """Input files, and those whose records read differ from clean plus rejected plus duplicates (never, unless a bug)."""
    tallies = read_output(output_dir, FILES, output_format)
    unreconciled = sorted(t["input_file"] for t in tallies if t["read"] != t["clean"] + t["rejected"] + t["duplicates"])
    return {"read": len(tallies), "not_reconciled": unreconciled}


def run_job(config: JobConfig, options: PipelineOptions) -> dict:
    """Run the pipeline to the end, write summary.json next to the outputs and return the summary."""
    result = build_pipeline(config, options).run()
    result.wait_until_finish()
    summary = summarize(counter_totals(result), config.rules, file_reconciliation(config.output_dir, config.output_format))
    write_summary(summary, config.output_dir)
    return summary
