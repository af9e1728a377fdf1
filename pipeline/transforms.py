"""The Beam layer: DoFns that call the text core, and composites that read like the job.

Every record read ends up in exactly one of two outputs: clean articles, or
rejections that say which stage failed and why. Counters (namespace
``newsclean``) count both, so a runner's UI shows the same numbers as the summary.

No per-record stream is joined with a Flatten: FnApiRunner materialises a Flatten's
inputs, so one would hold every rejection (or every per-record tally) of a run in memory.
The reader's rejections travel with the articles through :class:`CleanArticleFn`,
and tallies are counted per bundle before they are combined.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import replace
from typing import BinaryIO

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.metrics import Metrics
from apache_beam.transforms.core import RestrictionProvider
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from pipeline import progress as counts_of
from pipeline.clean import Cleaner, CleanOptions
from pipeline.ledger import LedgerEntry, Removal, whole_document
from pipeline.progress import ProgressFile, ProgressTarget
from pipeline.readers import READERS, ReadOptions, detect_format
from pipeline.readers.base import Cursor
from pipeline.readers.compression import compression_suffix, open_decompressed
from pipeline.readers.decoding import first_line_start, readable_path
from pipeline.readers.ids import glob_root
from pipeline.records import RAW_PREVIEW_CHARS, Article, CleanArticle, FileTally, Rejected, Rejection
from pipeline.rules.schema import Rule

NAMESPACE = "newsclean"
RECORDS = "records"
CLEAN = "clean"
REJECTED = "rejected"
FILE_COUNTS = "file_counts"
# The removal ledger's records (--ledger), and the prefix of their shards.
REMOVED = "removed"
STATS = "stats"

DOCS_READ = "docs.read"
DOCS_CLEAN = "docs.clean"
DOCS_REJECTED = "docs.rejected"
BYTES_IN = "bytes.in"
BYTES_OUT = "bytes.out"
HEADLINE_REPEATS = "headline.repeats_removed"
MASS_REMOVAL = "docs.flagged.mass_removal"
TRUNCATED = "docs.flagged.truncated"
DUPLICATE_IDS = "docs.duplicate_id"


def rule_hits_counter(rule_name: str) -> str:
    return f"rule.{rule_name}.hits"


def rule_docs_counter(rule_name: str) -> str:
    return f"rule.{rule_name}.docs"


def rejected_counter(reason: str) -> str:
    return f"{DOCS_REJECTED}.{reason}"


def _open(readable_file: fileio.ReadableFile) -> BinaryIO:
    """Open a matched file, decompressing by extension with strict decoders (see ``readers.compression``):
    Beam's own stop quietly at a truncated end, so records after the cut would vanish."""
    raw = readable_file.open(compression_type=CompressionTypes.UNCOMPRESSED)
    return open_decompressed(raw, readable_file.metadata.path)


def _not_a_regular_file(path: str) -> str | None:
    """What a local path is when it is not a regular file: opening a FIFO waits for a writer forever, and a
    device (``/dev/zero``, also through a symlink) never ends."""
    if FileSystems.get_scheme(path) is not None:
        return None   # a bucket holds objects only
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None   # opening it fails and says why
    if stat.S_ISREG(mode):
        return None
    return "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def _once(value: object) -> WindowedValue:
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


def _count_rejection(rejection: Rejection) -> Rejection:
    Metrics.counter(NAMESPACE, DOCS_REJECTED).inc()
    Metrics.counter(NAMESPACE, rejected_counter(rejection.reason)).inc()
    return rejection


def _splittable(readable_file: fileio.ReadableFile, input_format: str) -> bool:
    """Whether a matched file is read in byte ranges: a line format, uncompressed (a compressed stream cannot
    be entered in the middle), a regular file with bytes in it."""
    path = readable_file.metadata.path
    fmt = detect_format(readable_path(path)) if input_format == "auto" else input_format
    return (READERS[fmt].splittable and compression_suffix(path) is None and readable_file.metadata.size_in_bytes > 0
            and _not_a_regular_file(path) is None)


# Small enough that a 36 MB file makes 36 ranges: Beam's local runner deals ranges out to its workers by
# count, so a few large ones share badly (9 ranges of 4 MB: 4 to one worker, 5 to the other); Dataflow splits
# ranges further as it runs. Opening and seeking once per range costs nothing next to cleaning 1 MB.
RANGE_BYTES = 1 << 20


class ReadArticlesFn(beam.DoFn, RestrictionProvider):
    """A matched file to records: articles (the whole file for text and HTML, a line for JSONL) and the
    rejections of what could not be read, both on the main output.

    Splittable, its own restriction provider: a splittable file's restriction is its bytes, split into ranges
    of ``range_bytes`` that runners give to different workers and split further while they run (Dataflow's
    dynamic work rebalancing). Each range holds the lines that start inside it, claimed by their offset, so no
    line is read twice or lost however the file is split. Every other file's restriction is the one position
    0: the whole file, read by one call.

    Also emits ``(file, (records seen, 0, 0, 0))`` under ``FILE_COUNTS``, one per file or range, so the job can
    reconcile every file's records with what came out, and the records seen and bytes read under ``STATS``.
    Rejections are counted in ``STATS`` by :class:`CleanArticleFn`, which every rejection passes.
    """

    def __init__(self, input_format: str, options: ReadOptions, range_bytes: int = RANGE_BYTES,
                 progress: ProgressTarget | None = None):
        self.input_format = input_format
        self.options = options
        self.range_bytes = range_bytes
        self.progress_target = progress
        self.docs_read = Metrics.counter(NAMESPACE, DOCS_READ)
        self.bytes_in = Metrics.counter(NAMESPACE, BYTES_IN)

    def setup(self):
        self.readers = {name: reader(self.options) for name, reader in READERS.items()}
        self.progress = ProgressFile(self.progress_target) if self.progress_target else None

    def finish_bundle(self):
        if self.progress:
            self.progress.write()

    def initial_restriction(self, readable_file: fileio.ReadableFile) -> OffsetRange:
        if _splittable(readable_file, self.input_format):
            return OffsetRange(0, readable_file.metadata.size_in_bytes)
        return OffsetRange(0, 1)

    def create_tracker(self, restriction: OffsetRange) -> OffsetRestrictionTracker:
        return OffsetRestrictionTracker(restriction)

    def split(self, readable_file: fileio.ReadableFile, restriction: OffsetRange):
        return restriction.split(self.range_bytes)

    def restriction_size(self, readable_file: fileio.ReadableFile, restriction: OffsetRange) -> int:
        return restriction.size()

    def process(self, readable_file: fileio.ReadableFile, tracker=beam.DoFn.RestrictionParam()):  # type: ignore[override]
        # Records name the file by a valid UTF-8 form of its path; only opening it uses the path as it is.
        path = readable_path(readable_file.metadata.path)
        reader = self.readers[detect_format(path) if self.input_format == "auto" else self.input_format]
        size = [0]
        splittable = _splittable(readable_file, self.input_format)
        if splittable:
            seen = yield from self._read_range(readable_file, path, reader, tracker, size)
        elif tracker.try_claim(0):
            seen = yield from self._read_whole(readable_file, path, reader, size)
        else:
            return
        if self.progress:
            # A file is done when the byte ranges read of it add up to its size; one read whole is done at once.
            whole, part = readable_file.metadata.size_in_bytes, tracker.current_restriction()
            self.progress.file_part(path, part.stop - part.start if splittable else whole, whole)
        self.docs_read.inc(seen)
        self.bytes_in.inc(size[0])
        yield beam.pvalue.TaggedOutput(FILE_COUNTS, (path, (seen, 0, 0, 0)))
        yield beam.pvalue.TaggedOutput(STATS, {DOCS_READ: seen, BYTES_IN: size[0]})

    def _read_range(self, readable_file: fileio.ReadableFile, path: str, reader, tracker, size: list[int]):
        """The records that start in the tracker's range, their bytes added to ``size``; returns how many lines
        it claimed (plus one for an unreadable rest)."""
        start = tracker.current_restriction().start
        seen, offset = 0, start   # offset: where a read error happened, for its rejection
        try:
            with readable_file.open(compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                stop = tracker.current_restriction().stop
                first = first_line_start(stream, start, stop)
                # No line starts in this range (it lies inside one long line): read nothing more of it.
                for offset, line in reader.lines_from(stream, first) if first < stop else ():
                    if not tracker.try_claim(offset):
                        return seen   # the first line of the next range
                    seen += 1   # counted before parsing: a line that gives no record cannot reconcile
                    record, record_size = reader.line_record(path, offset, line)
                    size[0] += record_size
                    self._progressed(record_size)
                    yield _count_rejection(record) if isinstance(record, Rejection) else record
        except Exception as error:  # the storage layer's errors are many types; each ends this range only
            seen += 1
            yield _count_rejection(Rejection("read", "unreadable", f"could not read from byte {offset}: {error!r}",
                                             source=path, line=offset))
        # The end of the file (or an unreadable rest): nothing more to claim in this range.
        tracker.try_claim(tracker.current_restriction().stop)
        return seen

    def _progressed(self, record_size: int) -> None:
        if self.progress:
            self.progress.add(counts_of.READ)
            self.progress.add(counts_of.BYTES, record_size)

    def _read_whole(self, readable_file: fileio.ReadableFile, path: str, reader, size: list[int]):
        """Every record of the file, read by this one call, their bytes added to ``size``; returns the records the
        file held (``Cursor.seen``)."""
        cursor = Cursor()
        special = _not_a_regular_file(readable_file.metadata.path)
        try:
            if special:
                cursor.seen += 1
                yield _count_rejection(Rejection(
                    "read", "not_a_file", f"is {special}, not a file; it was not opened", source=path))
            else:
                with _open(readable_file) as stream:
                    for record, record_size in reader.read(stream, path, cursor):
                        size[0] += record_size
                        self._progressed(record_size)
                        yield _count_rejection(record) if isinstance(record, Rejection) else record
        except Exception as error:  # opening or closing the file failed; the reader handles the rest
            cursor.seen += 1
            yield _count_rejection(
                Rejection("read", "unreadable", f"could not open or close the file: {error!r}", source=path))
        return cursor.seen


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


class CleanArticleFn(beam.DoFn):
    """Runs the text core on each article; a reader's rejection passes through to ``REJECTED``.

    Rules arrive as plain data and compile in setup(). An exception the core did not
    foresee rejects that one article as ``internal_error`` instead of failing the job.
    Records clean and rejected per file are counted per bundle and emitted under
    ``FILE_COUNTS`` when it finishes: one element per file and bundle, not per record; so are
    its counters (and the rejections of every step) under ``STATS``.
    """

    def __init__(self, rules: Sequence[Rule], options: CleanOptions, progress: ProgressTarget | None = None):
        self.rules = list(rules)
        self.options = options
        self.progress_target = progress

    def setup(self):
        self.cleaner = Cleaner(self.rules, self.options)
        self.counters = BundleCounters()
        self.progress = ProgressFile(self.progress_target) if self.progress_target else None

    def start_bundle(self):
        self.tallies: dict[str, list[int]] = {}   # file: [clean, rejected]

    def finish_bundle(self):
        for source, (clean, rejected) in self.tallies.items():
            yield beam.pvalue.TaggedOutput(FILE_COUNTS, _once((source, (0, clean, rejected, 0))))
        if counts := self.counters.flush():
            yield beam.pvalue.TaggedOutput(STATS, _once(counts))
        if self.progress:
            self.progress.write()

    def _rejected(self, rejection: Rejection, counted: bool) -> beam.pvalue.TaggedOutput:
        """``counted``: a reader's rejection, already in Beam's counters where it was made."""
        self.tallies[rejection.source][1] += 1
        self.counters.inc(DOCS_REJECTED, metric=not counted)
        self.counters.inc(rejected_counter(rejection.reason), metric=not counted)
        if self.progress:
            self.progress.add(counts_of.REJECTED)
        return beam.pvalue.TaggedOutput(REJECTED, rejection)

    def process(self, record: Article | Rejection):
        tally = self.tallies.setdefault(record.source, [0, 0])
        if isinstance(record, Rejection):
            yield self._rejected(record, counted=True)
            return
        article = record
        try:
            clean = self.cleaner.clean(article)
        except Exception as error:
            rejection = (Rejection.of(error, article.source, article.text, article.id, article.line, article.metadata)
                         if isinstance(error, Rejected) else _unexpected_failure(article, error))
            yield self._rejected(rejection, counted=False)
            if self.options.ledger:
                yield beam.pvalue.TaggedOutput(REMOVED, _entry(article, (whole_document(rejection.reason, article.text),)))
            return
        if clean.removals:
            yield beam.pvalue.TaggedOutput(REMOVED, _entry(article, clean.removals))
            clean = replace(clean, removals=())   # written; no need to carry them through deduplication
        tally[0] += 1
        counters = self.counters
        counters.inc(DOCS_CLEAN)
        if self.progress:
            self.progress.add(counts_of.CLEAN)
        counters.inc(BYTES_OUT, len(clean.title.encode("utf-8")) + len(clean.text.encode("utf-8")))
        counters.inc(HEADLINE_REPEATS, clean.stats["headline_repeats"])
        if clean.stats.get("mass_removal"):
            counters.inc(MASS_REMOVAL)
        if clean.stats.get("truncated"):
            counters.inc(TRUNCATED)
        for name, hits in clean.stats["rules"].items():
            counters.inc(rule_hits_counter(name), hits)
            counters.inc(rule_docs_counter(name))
        yield clean


def _entry(article: Article, removals: tuple[Removal, ...]) -> LedgerEntry:
    return LedgerEntry(article.id, article.source, article.line, article.url, removals)


def _unexpected_failure(article: Article, error: Exception) -> Rejection:
    text = article.text if isinstance(article.text, str) else repr(article.text)
    return Rejection(
        "clean", "internal_error", f"unexpected {type(error).__name__} while cleaning: {error!r}; please report it",
        source=article.source, id=article.id, line=article.line, raw_start=text[:RAW_PREVIEW_CHARS],
        metadata=article.metadata)


class ReadArticles(beam.PTransform):
    """Files matching a glob to records (``RECORDS``: articles and the reader's rejections), records seen per
    file (``FILE_COUNTS``) and counts (``STATS``)."""

    def __init__(self, file_pattern: str, input_format: str = "auto", options: ReadOptions = ReadOptions(),
                 progress: ProgressTarget | None = None):
        super().__init__()
        self.file_pattern = file_pattern
        self.input_format = input_format
        self.options = replace(options, id_root=glob_root(file_pattern))
        self.progress = progress

    def expand(self, pipeline):
        return (
            pipeline
            | "MatchFiles" >> fileio.MatchFiles(self.file_pattern)
            # Spread the file list, not the documents: each worker then streams its files (and the runner
            # the byte ranges of a splittable file) from reading to writing, and no shuffle holds the articles.
            | "SpreadFilesOverWorkers" >> beam.Reshuffle()
            | "OpenFiles" >> fileio.ReadMatches()
            | "ParseRecords" >> beam.ParDo(ReadArticlesFn(self.input_format, self.options, progress=self.progress))
                .with_outputs(FILE_COUNTS, STATS, main=RECORDS)
        )


class CleanArticles(beam.PTransform):
    """Records (articles and rejections) to clean articles (``CLEAN``), every rejection (``REJECTED``),
    records clean and rejected per file (``FILE_COUNTS``), counts (``STATS``) and, with ``options.ledger``, the
    removal ledger's entries (``REMOVED``); see :class:`CleanArticleFn`."""

    def __init__(self, rules: Sequence[Rule], options: CleanOptions = CleanOptions(),
                 progress: ProgressTarget | None = None):
        super().__init__()
        self.rules = rules
        self.options = options
        self.progress = progress

    def expand(self, records):
        results = (
            records
            | "Clean" >> beam.ParDo(CleanArticleFn(self.rules, self.options, self.progress))
                .with_output_types(CleanArticle, **{REJECTED: Rejection, FILE_COUNTS: tuple, STATS: dict,
                                                    REMOVED: LedgerEntry})
                .with_outputs(REJECTED, FILE_COUNTS, STATS, REMOVED, main=CLEAN)
        )
        return {CLEAN: results[CLEAN], REJECTED: results[REJECTED], FILE_COUNTS: results[FILE_COUNTS],
                STATS: results[STATS], REMOVED: results[REMOVED]}


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
