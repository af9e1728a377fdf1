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
from typing import BinaryIO, NamedTuple

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
from pipeline.outputs import CLEAN, REJECTED, REMOVED
from pipeline.progress import ProgressFile, ProgressTarget
from pipeline.readers import READERS, ReadOptions, detect_format
from pipeline.readers.base import Cursor
from pipeline.readers.compression import compression_suffix, open_decompressed
from pipeline.readers.decoding import first_line_start, readable_path
from pipeline.readers.ids import glob_root
from pipeline.records import RAW_PREVIEW_CHARS, Article, CleanArticle, FileTally, Rejected, Rejection
from pipeline.rules.schema import Rule
from pipeline.steps.language import REJECTED_LANGUAGE

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


def _open(path: str) -> BinaryIO:
    """Open a matched file, decompressing by extension with strict decoders (see ``readers.compression``):
    Beam's own stop quietly at a truncated end, so records after the cut would vanish."""
    return open_decompressed(FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED), path)


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


def _splittable(path: str, size: int, input_format: str) -> bool:
    """Whether a matched file is read in byte ranges: a line format, uncompressed (a compressed stream cannot
    be entered in the middle), a regular file with bytes in it."""
    fmt = detect_format(readable_path(path)) if input_format == "auto" else input_format
    return READERS[fmt].splittable and compression_suffix(path) is None and size > 0 and _not_a_regular_file(path) is None


# Small enough that a 36 MB file makes 36 ranges: Beam's local runner deals ranges out to its workers by
# count, so a few large ones share badly (9 ranges of 4 MB: 4 to one worker, 5 to the other); Dataflow splits
# ranges further as it runs. Opening and seeking once per range costs nothing next to cleaning 1 MB.
RANGE_BYTES = 1 << 20


class _ReadFilesFn(beam.DoFn):
    """What both ways of reading share: the readers, the counters, and reading a byte range or a whole file.

    Emits, besides the records, ``(file, (records seen, 0, 0, 0))`` under ``FILE_COUNTS``, one per file or range,
    so the job can reconcile every file's records with what came out, and the records seen and bytes read under
    ``STATS``. Rejections are counted in ``STATS`` by :class:`CleanArticleFn`, which every rejection passes.
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

    def _reader(self, path: str):
        return self.readers[detect_format(path) if self.input_format == "auto" else self.input_format]

    def _done(self, path: str, seen: int, size: int, part: int, whole: int):
        """The counts of one range or file read: ``part`` of the file's ``whole`` bytes."""
        if self.progress:
            # A file is done when the byte ranges read of it add up to its size; one read whole is done at once.
            self.progress.file_part(path, part, whole)
        self.docs_read.inc(seen)
        self.bytes_in.inc(size)
        yield beam.pvalue.TaggedOutput(FILE_COUNTS, (path, (seen, 0, 0, 0)))
        yield beam.pvalue.TaggedOutput(STATS, {DOCS_READ: seen, BYTES_IN: size})

    def _read_range(self, raw_path: str, path: str, reader, start: int, stop: int, claim, size: list[int]):
        """The records of the lines that start in ``[start, stop)``, each claimed by its offset (``claim`` is
        false for the first line past the range), their bytes added to ``size``; returns how many lines it
        claimed (plus one for an unreadable rest) and whether a claim failed (the next range's first line)."""
        seen, offset = 0, start   # offset: where a read error happened, for its rejection
        try:
            with FileSystems.open(raw_path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                first = first_line_start(stream, start, stop)
                # No line starts in this range (it lies inside one long line): read nothing more of it.
                for offset, line in reader.lines_from(stream, first) if first < stop else ():
                    if not claim(offset):
                        return seen, True
                    seen += 1   # counted before parsing: a line that gives no record cannot reconcile
                    record, record_size = reader.line_record(path, offset, line)
                    size[0] += record_size
                    self._progressed(record_size)
                    yield _count_rejection(record) if isinstance(record, Rejection) else record
        except Exception as error:  # the storage layer's errors are many types; each ends this range only
            seen += 1
            yield _count_rejection(Rejection("read", "unreadable", f"could not read from byte {offset}: {error!r}",
                                             source=path, line=offset))
        return seen, False

    def _progressed(self, record_size: int) -> None:
        if self.progress:
            self.progress.add(counts_of.READ)
            self.progress.add(counts_of.BYTES, record_size)

    def _read_whole(self, raw_path: str, path: str, reader, size: list[int]):
        """Every record of the file, read by this one call, their bytes added to ``size``; returns the records the
        file held (``Cursor.seen``)."""
        cursor = Cursor()
        special = _not_a_regular_file(raw_path)
        try:
            if special:
                cursor.seen += 1
                yield _count_rejection(Rejection(
                    "read", "not_a_file", f"is {special}, not a file; it was not opened", source=path))
            else:
                with _open(raw_path) as stream:
                    for record, record_size in reader.read(stream, path, cursor):
                        size[0] += record_size
                        self._progressed(record_size)
                        yield _count_rejection(record) if isinstance(record, Rejection) else record
        except Exception as error:  # opening or closing the file failed; the reader handles the rest
            cursor.seen += 1
            yield _count_rejection(
                Rejection("read", "unreadable", f"could not open or close the file: {error!r}", source=path))
        return cursor.seen


class ReadArticlesFn(_ReadFilesFn, RestrictionProvider):
    """A matched file to records: articles (the whole file for text and HTML, a line for JSONL) and the
    rejections of what could not be read, both on the main output.

    Splittable, its own restriction provider: a splittable file's restriction is its bytes, split into ranges
    of ``range_bytes`` that runners give to different workers and split further while they run (Dataflow's
    dynamic work rebalancing). Each range holds the lines that start inside it, claimed by their offset, so no
    line is read twice or lost however the file is split. Every other file's restriction is the one position
    0: the whole file, read by one call. For runners that cannot drive a splittable DoFn, :class:`ReadPlannedFn`
    reads the same ranges, planned at launch.
    """

    def initial_restriction(self, readable_file: fileio.ReadableFile) -> OffsetRange:
        metadata = readable_file.metadata
        if _splittable(metadata.path, metadata.size_in_bytes, self.input_format):
            return OffsetRange(0, metadata.size_in_bytes)
        return OffsetRange(0, 1)

    def create_tracker(self, restriction: OffsetRange) -> OffsetRestrictionTracker:
        return OffsetRestrictionTracker(restriction)

    def split(self, readable_file: fileio.ReadableFile, restriction: OffsetRange):  # noqa: ARG002 (Beam's signature)
        return restriction.split(self.range_bytes)

    def restriction_size(self, readable_file: fileio.ReadableFile, restriction: OffsetRange) -> int:  # noqa: ARG002
        return restriction.size()

    def process(self, readable_file: fileio.ReadableFile, tracker=beam.DoFn.RestrictionParam()):  # type: ignore[override]
        # Records name the file by a valid UTF-8 form of its path; only opening it uses the path as it is.
        raw_path, whole = readable_file.metadata.path, readable_file.metadata.size_in_bytes
        path = readable_path(raw_path)
        reader = self._reader(path)
        size = [0]
        if _splittable(raw_path, whole, self.input_format):
            part = tracker.current_restriction()
            seen, past_the_end = yield from self._read_range(raw_path, path, reader, part.start, part.stop,
                                                             tracker.try_claim, size)
            if not past_the_end:   # the end of the file (or an unreadable rest): nothing more to claim
                tracker.try_claim(tracker.current_restriction().stop)
            part = tracker.current_restriction()
            done = part.stop - part.start
        elif tracker.try_claim(0):
            seen = yield from self._read_whole(raw_path, path, reader, size)
            done = whole
        else:
            return
        yield from self._done(path, seen, size[0], done, whole)


class ReadTask(NamedTuple):
    """A piece of an input file planned at launch: the byte range ``[start, stop)`` of a splittable file, or the
    whole file (``stop`` None)."""

    path: str
    size: int
    start: int = 0
    stop: int | None = None


def plan_reads(file_pattern: str, input_format: str, range_bytes: int = RANGE_BYTES) -> list[ReadTask]:
    """The files matching a glob, as the pieces :class:`ReadArticlesFn` would split them into: byte ranges of
    ``range_bytes`` (the last one taking a rest under a quarter of that) for a splittable file, the whole file for
    any other.
    Sizes are those Beam's filesystems report now.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.jsonl").write_bytes(b"x" * 17), (folder / "b.jsonl.gz").write_bytes(b"x" * 17)
    >>> [(pathlib.Path(t.path).name, t.start, t.stop) for t in plan_reads(str(folder / "*"), "auto", 8)]
    [('a.jsonl', 0, 8), ('a.jsonl', 8, 17), ('b.jsonl.gz', 0, None)]
    """
    tasks = []
    for metadata in sorted(FileSystems.match([file_pattern])[0].metadata_list, key=lambda m: m.path):
        path, size = metadata.path, metadata.size_in_bytes
        if _splittable(path, size, input_format):
            tasks += [ReadTask(path, size, part.start, part.stop) for part in OffsetRange(0, size).split(range_bytes)]
        else:
            tasks.append(ReadTask(path, size))
    return tasks


class ReadPlannedFn(_ReadFilesFn):
    """A :class:`ReadTask` to its records, as :class:`ReadArticlesFn` reads the same range or file: the same
    records, ids and per-file counts. A plain DoFn, for runners that cannot drive a splittable one (Dask)."""

    def process(self, task: ReadTask):
        path = readable_path(task.path)
        reader = self._reader(path)
        size = [0]
        if task.stop is None:
            seen = yield from self._read_whole(task.path, path, reader, size)
            done = task.size
        else:
            stop = task.stop
            seen, _ = yield from self._read_range(task.path, path, reader, task.start, stop,
                                                  lambda offset: offset < stop, size)
            done = stop - task.start
        yield from self._done(path, seen, size[0], done, task.size)


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
            if record.removals:   # a page the extraction found no article in: what it left out
                yield beam.pvalue.TaggedOutput(REMOVED, LedgerEntry(record.id, record.source, record.line, record.url,
                                                                    record.removals))
            return
        article = record
        try:
            clean = self.cleaner.clean(article)
        except Exception as error:
            # A step's own metadata where it gave one (the detected language); else the article's.
            rejection = (Rejection.of(error, article.source, article.text, article.id, article.line,
                                      error.metadata or article.metadata)
                         if isinstance(error, Rejected) else _unexpected_failure(article, error))
            yield self._rejected(rejection, counted=False)
            if rejection.reason == REJECTED_LANGUAGE:
                self.counters.inc(language_rejected_counter(rejection.metadata["language"]))
            if self.options.ledger:
                yield beam.pvalue.TaggedOutput(REMOVED, _entry(article, (whole_document(rejection.reason, article.text),)))
            return
        if clean.removals or article.removals:
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
        counters.inc(language_counter(clean.metadata["language"]))
        for name, hits in clean.stats["rules"].items():
            counters.inc(rule_hits_counter(name), hits)
            counters.inc(rule_docs_counter(name))
        yield clean


def _entry(article: Article, removals: tuple[Removal, ...]) -> LedgerEntry:
    """The ledger's line of ``article``: what its extraction left out (a page's), then the cleaning's ``removals``."""
    return LedgerEntry(article.id, article.source, article.line, article.url, article.removals + removals)


def _unexpected_failure(article: Article, error: Exception) -> Rejection:
    text = article.text if isinstance(article.text, str) else repr(article.text)
    return Rejection(
        "clean", "internal_error", f"unexpected {type(error).__name__} while cleaning: {error!r}; please report it",
        source=article.source, id=article.id, line=article.line, raw_start=text[:RAW_PREVIEW_CHARS],
        metadata=article.metadata)


class ReadArticles(beam.PTransform):
    """Files matching a glob to records (``RECORDS``: articles and the reader's rejections), records seen per
    file (``FILE_COUNTS``) and counts (``STATS``).

    ``planned``: the files' byte ranges are planned now (:func:`plan_reads`) and read by a plain DoFn, for a
    runner without splittable DoFns; otherwise the runner splits each file as it reads (:class:`ReadArticlesFn`).
    """

    def __init__(self, file_pattern: str, input_format: str = "auto", options: ReadOptions = ReadOptions(),
                 progress: ProgressTarget | None = None, planned: bool = False, range_bytes: int = RANGE_BYTES):
        super().__init__()
        self.file_pattern = file_pattern
        self.input_format = input_format
        self.options = replace(options, id_root=glob_root(file_pattern))
        self.progress = progress
        self.planned = planned
        self.range_bytes = range_bytes

    def expand(self, pipeline):
        fn_args = (self.input_format, self.options, self.range_bytes, self.progress)
        if self.planned:
            return (
                pipeline
                | "PlanRanges" >> beam.Create(plan_reads(self.file_pattern, self.input_format, self.range_bytes))
                | "SpreadRangesOverWorkers" >> beam.Reshuffle()
                | "ParseRecords" >> beam.ParDo(ReadPlannedFn(*fn_args)).with_outputs(FILE_COUNTS, STATS, main=RECORDS)
            )
        return (
            pipeline
            | "MatchFiles" >> fileio.MatchFiles(self.file_pattern)
            # Spread the file list, not the documents: each worker then streams its files (and the runner
            # the byte ranges of a splittable file) from reading to writing, and no shuffle holds the articles.
            | "SpreadFilesOverWorkers" >> beam.Reshuffle()
            | "OpenFiles" >> fileio.ReadMatches()
            | "ParseRecords" >> beam.ParDo(ReadArticlesFn(*fn_args)).with_outputs(FILE_COUNTS, STATS, main=RECORDS)
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
