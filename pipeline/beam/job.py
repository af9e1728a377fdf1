"""Build the cleaning pipeline from plain arguments and run it; the pipeline writes its own summary, last.

The summary is computed inside the job (its counts summed by the pipeline, written after every shard is
final), so a launcher can submit the job and return: nothing is left to do when it ends, and no runner's
metrics are needed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from typing import Literal, overload

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.runner import PipelineResult

from pipeline.beam.dedup import DOCS_DUPLICATE, Deduplicate, duplicate_counter, duplicate_counts
from pipeline.beam.outputs import (
    CLEAN,
    DUPLICATES,
    FILES,
    OUTPUT_FORMAT,
    REJECTED,
    REMOVED,
    SITE_LEDGER,
    read_summary,
    write_summary,
)
from pipeline.beam.runners import plans_reads
from pipeline.beam.site_repeat import RemoveSiteBoilerplate
from pipeline.beam.transforms import (
    BYTES_IN,
    BYTES_OUT,
    DOCS_CLEAN,
    DOCS_READ,
    DOCS_REJECTED,
    DUPLICATE_IDS,
    FILE_COUNTS,
    HEADLINE_REPEATS,
    LANGUAGE_CLEAN,
    LANGUAGE_DUPLICATE,
    LANGUAGE_REJECTED,
    MASS_REMOVAL,
    NAMESPACE,
    RECORDS,
    REPEATED_PARAGRAPHS,
    STATS,
    TRUNCATED,
    CleanArticles,
    CountDuplicateIds,
    FilesReconciled,
    ReadArticles,
    ReconcileFiles,
    SumCounts,
    moved_to_duplicates,
    rejected_counter,
    rule_docs_counter,
    rule_hits_counter,
)
from pipeline.beam.writers import WRITERS, Writer
from pipeline.core.clean import CleanOptions
from pipeline.core.dedup import DedupOptions, Duplicate
from pipeline.core.ledger import LedgerEntry
from pipeline.core.progress import ProgressTarget
from pipeline.core.readers import ReadOptions
from pipeline.core.records import CleanArticle, FileTally, Rejection
from pipeline.core.rules.schema import Rule
from pipeline.core.site_repeat import DOCS_CHANGED, DOCS_SPARED, LINES_REMOVED, SiteRepeatOptions


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
    # Redistribute the records after reading (a Reshuffle): for files one worker reads whole (compressed
    # JSONL, Parquet, WARC), whose cleaning then still spreads over the workers.
    reshuffle_records: bool = False
    # --site_boilerplate: lines a site repeats on many of its pages, removed after deduplication (off: min_pages 0).
    site_repeat: SiteRepeatOptions = field(default_factory=SiteRepeatOptions)
    # A local run's progress counts (pipeline.core.progress); None: none kept (a remote runner has its counters).
    progress: ProgressTarget | None = None
    # Plan the input's byte ranges at launch and read them in a plain DoFn (transforms.ReadPlannedFn), as the job
    # does by itself on a runner without splittable DoFns (runners.plans_reads); same records either way.
    plan_reads: bool = False


def rule_set(rules: Sequence[Rule]) -> dict:
    """The rules a run used: their names in the order they ran and a SHA-256 of their definitions (patterns,
    flags, scopes, examples; not the folder they were read from), so two runs can be told apart by rules."""
    definitions = [{key: value for key, value in asdict(rule).items() if key != "file"} for rule in rules]
    digest = hashlib.sha256(json.dumps(definitions, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return {"names": [rule.name for rule in rules], "sha256": digest}


def provenance(config: JobConfig, options: PipelineOptions) -> dict:
    """What produced a run's outputs: the input, every option that differs from its default (the job's and
    Beam's), the rule set and this package's version."""
    return {
        "input": config.input_pattern,
        "options": options.get_all_options(drop_default=True, retain_unknown_options=True),
        "rules": rule_set(config.rules),
        "version": version("newsclean"),
    }


class _WriteSummaryFn(beam.DoFn):
    """The job's last step: summary.json from the counts it summed and the per-file reconciliation. Its side
    inputs are every writer's finished shards, so it runs when all of them are final."""

    def __init__(self, rules: Sequence[Rule], output_dir: str, provenance: dict):
        self.rules = list(rules)
        self.output_dir = output_dir
        self.provenance = provenance

    def process(self, counts: dict[str, int], files: dict, *written):
        summary = {**summarize(counts, self.rules, files), "provenance": self.provenance}
        write_summary(summary, self.output_dir)
        yield summary


def build_pipeline(config: JobConfig, options: PipelineOptions) -> beam.Pipeline:
    """Read articles, clean them, set duplicates apart, write clean, rejected, duplicate and per-file records
    (and the removal ledger with ``config.clean.ledger``), then summary.json; nothing runs yet."""
    def write(prefix: str, record_type: type) -> Writer:
        return WRITERS[config.output_format](config.output_dir, prefix, record_type, config.compression, config.num_shards)

    pipeline = beam.Pipeline(options=options)
    read = pipeline | "ReadArticles" >> ReadArticles(config.input_pattern, config.input_format, config.read,
                                                     config.progress, planned=config.plan_reads or plans_reads(options))
    records = read[RECORDS]
    if config.reshuffle_records:
        records = records | "SpreadRecordsOverWorkers" >> beam.Reshuffle()
    # The reader's rejections go through CleanArticles with the articles: one stream of rejections, no Flatten.
    cleaned = records | "CleanArticles" >> CleanArticles(config.rules, config.clean, config.progress)
    deduplicated = cleaned[CLEAN] | "Deduplicate" >> Deduplicate(config.dedup)
    kept, duplicates = deduplicated[CLEAN], deduplicated[DUPLICATES]
    site_counts = []
    if config.site_repeat.enabled:
        # After deduplication: a story printed twice must not make its own lines look like a site's furniture.
        site_step = kept | "RemoveSiteBoilerplate" >> RemoveSiteBoilerplate(config.site_repeat, config.clean.ledger)
        kept, site_counts = site_step[CLEAN], [site_step[STATS]]
    written = [
        kept | "WriteClean" >> write(CLEAN, CleanArticle),
        cleaned[REJECTED] | "WriteRejected" >> write(REJECTED, Rejection),
        duplicates | "WriteDuplicates" >> write(DUPLICATES, Duplicate),
    ]
    if config.clean.ledger:
        written.append(cleaned[REMOVED] | "WriteLedger" >> write(REMOVED, LedgerEntry))
        if config.site_repeat.enabled:
            # Shards of their own (removed-site-*, read with removed-*): a Flatten with the cleaning's ledger
            # would make FnApiRunner hold every removal of the run in memory.
            written.append(site_step[REMOVED] | "WriteSiteLedger" >> write(SITE_LEDGER, LedgerEntry))
    tallies = (
        (read[FILE_COUNTS], cleaned[FILE_COUNTS], duplicates | "DuplicatesPerFile" >> beam.Map(moved_to_duplicates))
        | "ReconcileFiles" >> ReconcileFiles()
    )
    written.append(tallies | "WriteFileTallies" >> write(FILES, FileTally))
    # Counts come a few per bundle or file (one per duplicate, which are few): the Flatten holds no records.
    totals = (
        (read[STATS], cleaned[STATS], kept | "CountDuplicateIds" >> CountDuplicateIds(),
         duplicates | "CountDuplicates" >> beam.Map(duplicate_counts), *site_counts)
        | "AllCounts" >> beam.Flatten()
        | "SumCounts" >> beam.CombineGlobally(SumCounts())
    )
    files = tallies | "ReconcileAllFiles" >> beam.CombineGlobally(FilesReconciled())
    _ = totals | "WriteSummary" >> beam.ParDo(
        _WriteSummaryFn(config.rules, config.output_dir, provenance(config, options)),
        beam.pvalue.AsSingleton(files), *(beam.pvalue.AsList(shards) for shards in written))
    return pipeline


def counter_totals(result: PipelineResult) -> dict[str, int]:
    """Our counters summed over steps, committed values where the runner has them (``mine`` reports from them;
    the job's own summary does not need them)."""
    totals: dict[str, int] = {}
    for counter in result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        totals[counter.key.metric.name] = totals.get(counter.key.metric.name, 0) + (value or 0)
    return totals


def per_language(counters: dict[str, int], prefix: str, less: str = "") -> dict[str, int]:
    """The counters under ``prefix`` by language code, less the same code's under ``less``; most first.

    >>> per_language({"language.clean.en": 5, "language.clean.de": 5, "language.clean.fr": 1,
    ...               "language.duplicate.fr": 1, "docs.read": 11}, "language.clean.", less="language.duplicate.")
    {'de': 5, 'en': 5}
    """
    counts = {name[len(prefix):]: value - (counters.get(less + name[len(prefix):], 0) if less else 0)
              for name, value in counters.items() if name.startswith(prefix)}
    return dict(sorted(((code, count) for code, count in counts.items() if count), key=lambda item: (-item[1], item[0])))


def summarize(counters: dict[str, int], rules: Sequence[Rule], files: dict) -> dict:
    """The run's numbers, from the job's counts (named as its Beam counters) and the per-file tallies, in the
    shape written to summary.json (which adds the run's provenance)."""
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
        "repeated_paragraphs_removed": counters.get(REPEATED_PARAGRAPHS, 0),
        "flagged_mass_removal": counters.get(MASS_REMOVAL, 0),
        # Shipped flagged; with --truncated reject they are in rejected_by_reason instead.
        "flagged_truncated": counters.get(TRUNCATED, 0),
        "duplicate_ids": counters.get(DUPLICATE_IDS, 0),
        "site_boilerplate": {"lines_removed": counters.get(LINES_REMOVED, 0),
                             "documents": counters.get(DOCS_CHANGED, 0),
                             "documents_spared": counters.get(DOCS_SPARED, 0)},
        # The clean output's documents per detected language (they add up to documents.clean), and those
        # --languages rejected, per detected language; most first.
        "languages": per_language(counters, LANGUAGE_CLEAN, less=LANGUAGE_DUPLICATE),
        "languages_rejected": per_language(counters, LANGUAGE_REJECTED),
        "rules": {
            rule.name: {"hits": counters.get(rule_hits_counter(rule.name), 0),
                        "documents": counters.get(rule_docs_counter(rule.name), 0)}
            for rule in rules
        },
    }


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
        f"paragraphs printed twice, later copies removed: {summary['repeated_paragraphs_removed']}",
        f"flagged for mass removal by rules: {summary['flagged_mass_removal']}",
        f"flagged truncated (a teaser or paywalled text): {summary['flagged_truncated']}",
        f"ids used by more than one clean record: {summary['duplicate_ids']}",
        "languages: " + (", ".join(f"{code} {count}" for code, count in summary["languages"].items()) or "none"),
    ]
    if summary["languages_rejected"]:
        lines.append("rejected for their language: "
                     + ", ".join(f"{code} {count}" for code, count in summary["languages_rejected"].items()))
    site = summary["site_boilerplate"]
    if site["lines_removed"] or site["documents_spared"]:
        lines.append(f"site boilerplate: {site['lines_removed']} lines removed from {site['documents']} documents, "
                     f"{site['documents_spared']} documents left whole (every line repeated)")
    fired = {name: hits for name, hits in summary["rules"].items() if hits["hits"]}
    lines.append(f"rules: {len(fired)} of {len(summary['rules'])} fired")
    lines += [f"  {name}: {hits['hits']} hits in {hits['documents']} documents" for name, hits in fired.items()]
    return "\n".join(lines)


@overload
def run_job(config: JobConfig, options: PipelineOptions, wait: Literal[True] = True) -> tuple[PipelineResult, dict]: ...
@overload
def run_job(config: JobConfig, options: PipelineOptions, wait: bool) -> tuple[PipelineResult, dict | None]: ...


def run_job(config: JobConfig, options: PipelineOptions, wait: bool = True) -> tuple[PipelineResult, dict | None]:
    """Submit the pipeline; with ``wait``, wait for it to finish and return the summary it wrote too (else None:
    the job writes summary.json itself when it ends)."""
    result = build_pipeline(config, options).run()
    if not wait:
        return result, None
    result.wait_until_finish()
    return result, read_summary(config.output_dir)
