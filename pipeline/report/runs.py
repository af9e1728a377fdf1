"""A finished run's outputs, read back, and the numbers the report shows, computed from them.

Plain functions over the records as written (``to_dict()`` shapes); the only Beam in here is its FileSystems,
through :func:`pipeline.job.read_output`, so a run in a bucket reports as well as a local one.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from apache_beam.io.filesystems import FileSystems

from pipeline.job import SUMMARY_FILE, read_output
from pipeline.ledger import REJECTED
from pipeline.site_suffix import host_of
from pipeline.transforms import CLEAN, REMOVED
from pipeline.transforms import REJECTED as REJECTED_OUTPUT
from pipeline.words import word_count
from pipeline.writers import WRITERS

# Removals shown per rule, rejected records per reason, documents per list: enough to judge, few enough to read.
SAMPLES = 3
TOP = 10
# The same samples on every run of the report over the same outputs, so two reports can be compared by eye.
SEED = 15


class ReportError(Exception):
    """The folder is not a finished run with a ledger."""


DocKey = tuple[str, int | None, str | None]   # input file, line, id: unique per record of a run


def doc_key(record: dict) -> DocKey:
    return record["input_file"], record["line"], record["id"]


@dataclass
class Run:
    """Everything one run wrote that the report reads."""

    folder: str
    summary: dict
    clean: list[dict]
    rejected: list[dict]
    removed: list[dict]
    removals_by_doc: dict[DocKey, list[dict]] = field(default_factory=dict)

    def __post_init__(self):
        by_doc = defaultdict(list)
        for removal in self.removed:
            by_doc[doc_key(removal)].append(removal)
        for removals in by_doc.values():
            removals.sort(key=lambda removal: (removal["start"], removal["end"]))
        self.removals_by_doc = dict(by_doc)


def load_run(folder: str) -> Run:
    """Read a run's summary.json and its clean, rejected and removed-* shards (JSONL or Parquet)."""
    summary_path = FileSystems.join(folder, SUMMARY_FILE)
    if not FileSystems.exists(summary_path):
        raise ReportError(f"{folder} holds no {SUMMARY_FILE}: not the output folder of a finished run")
    with FileSystems.open(summary_path) as stream:
        summary = json.loads(stream.read().decode("utf-8"))
    formats = [name for name, writer in WRITERS.items()
               if FileSystems.match([FileSystems.join(folder, writer.pattern(CLEAN))])[0].metadata_list]
    output_format = formats[0] if formats else "jsonl"
    removed_pattern = FileSystems.join(folder, WRITERS[output_format].pattern(REMOVED))
    if not FileSystems.match([removed_pattern])[0].metadata_list:
        raise ReportError(f"{folder} has no {REMOVED}-* shards: run the job with --ledger to report what it removed")
    return Run(folder, summary, read_output(folder, CLEAN, output_format),
               read_output(folder, REJECTED_OUTPUT, output_format), read_output(folder, REMOVED, output_format))


def site_of(record: dict) -> str:
    """Where a document comes from: its URL's host, else the input file."""
    return host_of(record.get("url")) or record["input_file"]


def sample(items: list, count: int = SAMPLES) -> list:
    """``count`` items spread over the list, the same ones every time."""
    if len(items) <= count:
        return list(items)
    return [items[i] for i in sorted(random.Random(SEED).sample(range(len(items)), count))]


@dataclass(frozen=True)
class RuleRow:
    cause: str
    step: str
    hits: int
    documents: int
    words: int
    samples: list[dict]


def rule_rows(removed: Iterable[dict]) -> list[RuleRow]:
    """Per rule (and headline repeats), the removals it made, their documents and words, and samples; rejections
    are per reason elsewhere. Most words removed first."""
    by_cause: dict[str, list[dict]] = defaultdict(list)
    for removal in removed:
        if removal["step"] != REJECTED:
            by_cause[removal["cause"]].append(removal)
    rows = [RuleRow(cause, removals[0]["step"], len(removals), len({doc_key(r) for r in removals}),
                    sum(word_count(r["text"]) for r in removals), sample(removals))
            for cause, removals in by_cause.items()]
    return sorted(rows, key=lambda row: (-row.words, -row.hits, row.cause))


def mass_removals(run: Run) -> list[tuple[dict, list[dict]]]:
    """The clean documents flagged for mass removal, most removed first, with their removals."""
    flagged = [record for record in run.clean if record["stats"]["mass_removal"]]
    flagged.sort(key=lambda record: (-record["stats"]["words_removed_by_rules"], record["id"] or ""))
    return [(record, run.removals_by_doc.get(doc_key(record), [])) for record in flagged]


def sites(run: Run) -> list[tuple[str, int, int, int]]:
    """``(site, documents, removals, words removed)`` for the sites with the most words removed."""
    documents: Counter[str] = Counter(site_of(record) for record in run.clean)
    removals: Counter[str] = Counter()
    removed_words: Counter[str] = Counter()
    for removal in run.removed:
        if removal["step"] != REJECTED:
            site = site_of(removal)
            removals[site] += 1
            removed_words[site] += word_count(removal["text"])
    ranked = sorted(removed_words, key=lambda site: (-removed_words[site], site))[:TOP]
    return [(site, documents[site], removals[site], removed_words[site]) for site in ranked]


def rejected_samples(run: Run) -> dict[str, list[dict]]:
    """Per reason, in the summary's order, a few rejected records."""
    by_reason: dict[str, list[dict]] = defaultdict(list)
    for record in sorted(run.rejected, key=lambda r: (r["input_file"], r["line"] or 0, r["id"] or "")):
        by_reason[record["reason"]].append(record)
    return {reason: sample(by_reason[reason]) for reason in run.summary["rejected_by_reason"] if reason in by_reason}
