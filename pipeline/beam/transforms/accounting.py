"""The job's accounting: counter names, the counts a bundle keeps for the job's own totals, and the per-file
reconciliation. Every record read is counted once, clean, rejected or duplicate, in a Beam counter (namespace
``newsclean``, what a runner's UI shows) and in the totals the summary is built from."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from pipeline.core.records import FileTally

NAMESPACE = "newsclean"
RECORDS = "records"
FILE_COUNTS = "file_counts"
STATS = "stats"

DOCS_READ = "docs.read"
DOCS_CLEAN = "docs.clean"
DOCS_REJECTED = "docs.rejected"
BYTES_IN = "bytes.in"
BYTES_OUT = "bytes.out"
HEADLINE_REPEATS = "headline.repeats_removed"
# Later copies of a paragraph printed twice in one document (pipeline.core.steps.repeated_paragraphs).
REPEATED_PARAGRAPHS = "paragraph.repeats_removed"
MASS_REMOVAL = "docs.flagged.mass_removal"
TRUNCATED = "docs.flagged.truncated"
DUPLICATE_IDS = "docs.duplicate_id"
# Clean documents per detected language (before deduplication, as docs.clean), and those rejected 'language'.
LANGUAGE_CLEAN = "language.clean."
LANGUAGE_REJECTED = "language.rejected."
LANGUAGE_DUPLICATE = "language.duplicate."


def rule_hits_counter(rule_name: str) -> str:
    return f"rule.{rule_name}.hits"


def rule_docs_counter(rule_name: str) -> str:
    return f"rule.{rule_name}.docs"


def rejected_counter(reason: str) -> str:
    return f"{DOCS_REJECTED}.{reason}"


def language_counter(language: str) -> str:
    """Clean documents detected in ``language``."""
    return f"{LANGUAGE_CLEAN}{language}"


def language_duplicate_counter(language: str) -> str:
    """Clean documents detected in ``language`` that deduplication took out (the summary counts the rest)."""
    return f"{LANGUAGE_DUPLICATE}{language}"


def language_rejected_counter(language: str) -> str:
    """Documents detected in ``language`` and rejected for it (``--languages``)."""
    return f"{LANGUAGE_REJECTED}{language}"


def once(value: object) -> WindowedValue:
    """A value emitted from finish_bundle (a bundle's tallies or counts), which has no element to take a window from."""
    return WindowedValue(value, MIN_TIMESTAMP, (GlobalWindow(),))


class SumCounts(beam.CombineFn):
    """``{counter name: value}`` dicts summed into one: the job's own totals, the same numbers as its Beam
    counters. The summary is built from these, inside the pipeline, because a launcher that submits a job and
    returns (a Flex Template) has no metrics to query, and some runners report none."""

    def create_accumulator(self) -> dict[str, int]:
        return {}

    def add_input(self, totals: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
        for name, value in counts.items():
            totals[name] = totals.get(name, 0) + value
        return totals

    def merge_accumulators(self, accumulators) -> dict[str, int]:
        totals: dict[str, int] = {}
        for counts in accumulators:
            self.add_input(totals, counts)
        return totals

    def extract_output(self, totals: dict[str, int]) -> dict[str, int]:
        return totals


class BundleCounters:
    """Beam counters (namespace ``newsclean``, what a runner's UI shows) that also keep one bundle's increments,
    which the DoFn emits under ``STATS`` when the bundle finishes, for the job's own totals (:class:`SumCounts`)."""

    def __init__(self):
        self.metrics: dict[str, Metrics.DelegatingCounter] = {}
        self.counts: dict[str, int] = {}

    def inc(self, name: str, value: int = 1, metric: bool = True) -> None:
        """Add ``value``; ``metric=False`` for what another step already counted in Beam (a reader's rejection)."""
        if metric:
            if name not in self.metrics:
                self.metrics[name] = Metrics.counter(NAMESPACE, name)
            self.metrics[name].inc(value)
        self.counts[name] = self.counts.get(name, 0) + value

    def flush(self) -> dict[str, int]:
        counts, self.counts = self.counts, {}
        return counts


def moved_to_duplicates(duplicate) -> tuple[str, tuple[int, int, int, int]]:
    """A duplicate's change to its file's tally: counted clean by the cleaning, then set apart."""
    return duplicate.source, (0, -1, 0, 1)


def _add_tallies(tallies):
    return tuple(map(sum, zip(*tallies, strict=True))) or (0, 0, 0, 0)


class ReconcileFiles(beam.PTransform):
    """Records read, clean, rejected and duplicate per input file, as ``FileTally`` records.

    Takes the ``FILE_COUNTS`` PCollections of reading and cleaning, ``(file, (read, clean, rejected,
    duplicates))`` pairs, a few per file (one per bundle), so the Flatten that joins them holds no per-record
    state; and one ``(file, (0, -1, 0, 1))`` per duplicate (:func:`moved_to_duplicates`): cleaned, then set apart.
    """

    def expand(self, file_counts):
        return (
            file_counts
            | "AllTallies" >> beam.Flatten()
            | "SumPerFile" >> beam.CombinePerKey(_add_tallies)
            | "ToFileTally" >> beam.MapTuple(lambda source, counts: FileTally(source, *counts))
        )


class FilesReconciled(beam.CombineFn):
    """Per-file tallies to the summary's ``files``: how many input files, and those whose records read differ
    from clean plus rejected plus duplicates (never, unless a bug)."""

    def create_accumulator(self) -> tuple[int, list[str]]:
        return 0, []

    def add_input(self, accumulator: tuple[int, list[str]], tally: FileTally) -> tuple[int, list[str]]:
        files, unreconciled = accumulator
        return files + 1, unreconciled if tally.reconciled else [*unreconciled, tally.source]

    def merge_accumulators(self, accumulators) -> tuple[int, list[str]]:
        files, unreconciled = 0, []
        for count, sources in accumulators:
            files += count
            unreconciled += sources
        return files, unreconciled

    def extract_output(self, accumulator: tuple[int, list[str]]) -> dict:
        return {"read": accumulator[0], "not_reconciled": sorted(accumulator[1])}


class _CountRepeatedIds(beam.DoFn):
    def __init__(self):
        self.duplicates = Metrics.counter(NAMESPACE, DUPLICATE_IDS)

    def process(self, id_and_count):
        if id_and_count[1] > 1:
            self.duplicates.inc(id_and_count[1] - 1)
            yield {DUPLICATE_IDS: id_and_count[1] - 1}


class CountDuplicateIds(beam.PTransform):
    """Counts clean articles whose id another clean article already has, as ``STATS`` counts; the records stay."""

    def expand(self, clean):
        return (
            clean
            | "KeyById" >> beam.Map(lambda article: (article.id, 1))
            | "CountPerId" >> beam.CombinePerKey(sum)
            | "CountRepeats" >> beam.ParDo(_CountRepeatedIds())
        )
