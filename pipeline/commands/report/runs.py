"""A finished run's outputs, read back, and the numbers the report shows, computed from them.

One pass over each output, shard by shard and record by record, keeping counts and a few samples: the report
of a crawl holds its samples, not its ledger. The only Beam in here is its FileSystems, through
:func:`pipeline.beam.outputs.iter_output`, so a run in a bucket reports as well as a local one.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from apache_beam.io.filesystems import FileSystems

from pipeline.beam.outputs import CLEAN, REMOVED, SUMMARY_FILE, iter_output
from pipeline.beam.outputs import REJECTED as REJECTED_OUTPUT
from pipeline.beam.writers import WRITERS
from pipeline.core.ledger import EXTRACT, REJECTED
from pipeline.core.progress import CLEAN as CLEAN_COUNT
from pipeline.core.progress import REJECTED as REJECTED_COUNT
from pipeline.core.progress import ProgressFile
from pipeline.core.site_suffix import host_of
from pipeline.core.words import word_count

# Removals shown per rule, rejected records per reason, documents per list: enough to judge, few enough to read.
SAMPLES = 3
TOP = 10

T = TypeVar("T")


class ReportError(Exception):
    """The folder is not a finished run with a ledger."""


DocKey = tuple[str, int | None, str | None]   # input file, line, id: unique per record of a run


def doc_key(record: dict) -> DocKey:
    return record["input_file"], record["line"], record["id"]


def sort_key(key: DocKey) -> tuple[str, int, str]:
    """Documents in input order: file, line, id."""
    return key[0], key[1] or 0, key[2] or ""


def digest(value: Hashable) -> bytes:
    """A short stable hash of ``value``: the same on every run of the report, whatever order shards are read in."""
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=8).digest()


class Smallest(Generic[T]):
    """The ``count`` items with the smallest keys of all offered, and how many were offered; it holds about
    twice ``count`` items however many pass.

    >>> first = Smallest(2)
    >>> for word in ["pear", "fig", "apple", "kiwi"]:
    ...     first.offer(word, word.upper())
    >>> first.items(), first.seen
    (['APPLE', 'FIG'], 4)
    """

    def __init__(self, count: int):
        self.count = count
        self.seen = 0
        self._entries: list[tuple[object, int, T]] = []

    def offer(self, key, item: T) -> None:
        self.seen += 1
        self._entries.append((key, self.seen, item))
        if len(self._entries) >= 2 * self.count + 16:
            self._trim()

    def _trim(self) -> None:
        self._entries.sort(key=lambda entry: entry[:2])   # never compares the items themselves
        del self._entries[self.count:]

    def items(self) -> list[T]:
        self._trim()
        return [item for _, _, item in self._entries]


def located(entry: dict, removal: dict) -> dict:
    """A removal with the document it was made in (id, input file, line), as the report shows it."""
    return {**removal, "id": entry["id"], "input_file": entry["input_file"], "line": entry["line"]}


def in_text_order(removals: list[dict]) -> list[dict]:
    return sorted(removals, key=lambda r: (sort_key(doc_key(r)), r["start"], r["end"]))


def sample_key(doc: DocKey, cause: str, start: int, end: int) -> bytes:
    """Which removals are sampled: a hash of where they are, so two runs over one input sample alike."""
    return digest((doc, cause, start, end))


@dataclass
class RuleRow:
    """Per rule (or headline repeats, site boilerplate): its hits, documents, words removed, a few removals."""

    cause: str
    step: str
    hits: int = 0
    documents: int = 0
    words: int = 0
    sampled: Smallest[dict] = field(default_factory=lambda: Smallest(SAMPLES), repr=False)

    @property
    def samples(self) -> list[dict]:
        return in_text_order(self.sampled.items())


@dataclass(frozen=True)
class SiteRow:
    site: str
    documents: int
    removals: int
    words: int


@dataclass
class ExtractionSite:
    """What the article extraction left out of one site's pages: per cause, and a few examples."""

    site: str
    pages: int = 0
    removals: int = 0
    words: int = 0
    words_by_cause: Counter[str] = field(default_factory=Counter)
    sampled: Smallest[dict] = field(default_factory=lambda: Smallest(SAMPLES), repr=False)

    @property
    def samples(self) -> list[dict]:
        return in_text_order(self.sampled.items())


@dataclass(frozen=True)
class Extraction:
    """The ``extract`` removals of a run (HTML and WARC pages): per cause (most words first) and per site (the TOP
    with the most words left out)."""

    causes: list[RuleRow]
    sites: list[ExtractionSite]
    site_count: int


@dataclass(frozen=True)
class Run:
    """What the report shows of one run: its summary, and counts and samples read from its outputs."""

    folder: str
    output_format: str
    summary: dict
    rules: list[RuleRow]                             # most words removed first
    mass_removal: list[tuple[dict, list[dict]]]      # the first TOP flagged documents, with their removals
    mass_removal_count: int
    sites: list[SiteRow]                             # the TOP sites with the most words removed
    rejected: dict[str, list[dict]]                  # per reason, in the summary's order, a few records
    extraction: Extraction                           # what the article extraction of pages left out
    progress: ProgressFile | None = field(default=None, compare=False)

    def records(self, prefix: str) -> Iterator[dict]:
        """The run's ``clean``, ``rejected`` or ``removed`` records, read one at a time."""
        return iter_output(self.folder, prefix, self.output_format, self.progress)


def site_of(record: dict) -> str:
    """Where a document comes from: its URL's host, else the input file."""
    return host_of(record.get("url")) or record["input_file"]


def output_format_of(folder: str) -> str:
    """The --output_format a run was made with, from the shards it wrote."""
    formats = [name for name, writer in WRITERS.items()
               if FileSystems.match([FileSystems.join(folder, writer.pattern(CLEAN))])[0].metadata_list]
    return formats[0] if formats else "jsonl"


def load_run(folder: str, progress: ProgressFile | None = None) -> Run:
    """Read a run's summary.json, then its clean, removed-* and rejected shards (JSONL or Parquet) once each,
    counting what was read in ``progress``."""
    summary_path = FileSystems.join(folder, SUMMARY_FILE)
    if not FileSystems.exists(summary_path):
        raise ReportError(f"{folder} holds no {SUMMARY_FILE}: not the output folder of a finished run")
    with FileSystems.open(summary_path) as stream:
        summary = json.loads(stream.read().decode("utf-8"))
    output_format = output_format_of(folder)
    removed_pattern = FileSystems.join(folder, WRITERS[output_format].pattern(REMOVED))
    if not FileSystems.match([removed_pattern])[0].metadata_list:
        raise ReportError(f"{folder} has no {REMOVED}-* shards: run the job with --ledger to report what it removed")

    documents: Counter[str] = Counter()
    flagged: Smallest[dict] = Smallest(TOP)
    for record in iter_output(folder, CLEAN, output_format, progress):
        if progress:
            progress.add(CLEAN_COUNT)
        documents[site_of(record)] += 1
        if record["stats"]["mass_removal"]:
            # The text is not shown, only the removals: the listed documents hold their titles and stats.
            flagged.offer((-record["stats"]["words_removed_by_rules"], record["id"] or ""),
                          {name: value for name, value in record.items() if name != "text"})
    listed = flagged.items()
    removals_of: dict[DocKey, list[dict]] = {doc_key(record): [] for record in listed}

    rules: dict[str, RuleRow] = {}
    removals: Counter[str] = Counter()
    removed_words: Counter[str] = Counter()
    extract_causes: dict[str, RuleRow] = {}
    extract_sites: dict[str, ExtractionSite] = {}
    for entry in iter_output(folder, REMOVED, output_format, progress):
        key, site = doc_key(entry), site_of(entry)
        causes = set()
        extracted = _count_extraction(entry, key, site, extract_causes, extract_sites)
        for removal in entry["removals"][extracted:]:
            if removal["step"] == REJECTED:   # a whole document: rejections are per reason elsewhere
                continue
            row = rules.get(removal["cause"])
            if row is None:
                row = rules[removal["cause"]] = RuleRow(removal["cause"], removal["step"])
            words = word_count(removal["text"])
            row.hits += 1
            row.words += words
            shown = located(entry, removal)
            row.sampled.offer(sample_key(key, removal["cause"], removal["start"], removal["end"]), shown)
            causes.add(removal["cause"])
            removals[site] += 1
            removed_words[site] += words
            if key in removals_of:
                removals_of[key].append(shown)
        for cause in causes:
            rules[cause].documents += 1

    by_reason: dict[str, Smallest[dict]] = defaultdict(lambda: Smallest(SAMPLES))
    for record in iter_output(folder, REJECTED_OUTPUT, output_format, progress):
        if progress:
            progress.add(REJECTED_COUNT)
        by_reason[record["reason"]].offer(digest(doc_key(record)), record)
    rejected = {reason: sorted(by_reason[reason].items(), key=lambda record: sort_key(doc_key(record)))
                for reason in summary["rejected_by_reason"] if reason in by_reason}

    ranked = sorted(removed_words, key=lambda site: (-removed_words[site], site))[:TOP]
    extraction = Extraction(
        _most_words(extract_causes.values()),
        sorted(extract_sites.values(), key=lambda row: (-row.words, row.site))[:TOP], len(extract_sites))
    return Run(
        folder, output_format, summary, _most_words(rules.values()),
        [(record, in_text_order(removals_of[doc_key(record)])) for record in listed], flagged.seen,
        [SiteRow(site, documents[site], removals[site], removed_words[site]) for site in ranked], rejected,
        extraction, progress)


def _most_words(rows) -> list[RuleRow]:
    return sorted(rows, key=lambda row: (-row.words, -row.hits, row.cause))


def _count_extraction(entry: dict, key: DocKey, site: str, causes: dict[str, RuleRow],
                      sites: dict[str, ExtractionSite]) -> int:
    """Count a ledger line's ``extract`` removals (they come first) per cause and site; return how many."""
    count, seen = 0, set()
    for removal in entry["removals"]:
        if removal["step"] != EXTRACT:
            break
        count += 1
        words = word_count(removal["text"])
        shown = located(entry, removal)
        chosen = sample_key(key, removal["cause"], removal["start"], removal["end"])
        row = causes.get(removal["cause"])
        if row is None:
            row = causes[removal["cause"]] = RuleRow(removal["cause"], EXTRACT)
        row.hits += 1
        row.words += words
        row.sampled.offer(chosen, shown)
        if removal["cause"] not in seen:
            seen.add(removal["cause"])
            row.documents += 1
        place = sites.get(site)
        if place is None:
            place = sites[site] = ExtractionSite(site)
        place.removals += 1
        place.words += words
        place.words_by_cause[removal["cause"]] += words
        place.sampled.offer(chosen, shown)
    if count:
        sites[site].pages += 1
    return count
