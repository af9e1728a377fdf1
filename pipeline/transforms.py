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

from pipeline.clean import Cleaner, CleanOptions
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

DOCS_READ = "docs.read"
DOCS_CLEAN = "docs.clean"
DOCS_REJECTED = "docs.rejected"
BYTES_IN = "bytes.in"
BYTES_OUT = "bytes.out"
HEADLINE_REPEATS = "headline.repeats_removed"
MASS_REMOVAL = "docs.flagged.mass_removal"
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


# About 1/9 of a 36 MB file: enough ranges to keep a few workers busy to the end, few enough that opening and
# seeking once per range costs nothing next to cleaning 4 MB. Dataflow splits them further as it runs.
RANGE_BYTES = 4 << 20


class ReadArticlesFn(beam.DoFn, RestrictionProvider):
    """A matched file to records: articles (the whole file for text and HTML, a line for JSONL) and the
    rejections of what could not be read, both on the main output.

    Splittable, its own restriction provider: a splittable file's restriction is its bytes, split into ranges
    of ``range_bytes`` that runners give to different workers and split further while they run (Dataflow's
    dynamic work rebalancing). Each range holds the lines that start inside it, claimed by their offset, so no
    line is read twice or lost however the file is split. Every other file's restriction is the one position
    0: the whole file, read by one call.

    Also emits ``(file, (records seen, 0, 0, 0))`` under ``FILE_COUNTS``, one per file or range, so the job can
    reconcile every file's records with what came out.
    """

    def __init__(self, input_format: str, options: ReadOptions, range_bytes: int = RANGE_BYTES):
        self.input_format = input_format
        self.options = options
        self.range_bytes = range_bytes
        self.docs_read = Metrics.counter(NAMESPACE, DOCS_READ)
        self.bytes_in = Metrics.counter(NAMESPACE, BYTES_IN)

    def setup(self):
        self.readers = {name: reader(self.options) for name, reader in READERS.items()}

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
        if _splittable(readable_file, self.input_format):
            seen = yield from self._read_range(readable_file, path, reader, tracker)
        elif tracker.try_claim(0):
            seen = yield from self._read_whole(readable_file, path, reader)
        else:
            return
        self.docs_read.inc(seen)
        yield beam.pvalue.TaggedOutput(FILE_COUNTS, (path, (seen, 0, 0, 0)))

    def _read_range(self, readable_file: fileio.ReadableFile, path: str, reader, tracker):
        """The records that start in the tracker's range; returns how many lines it claimed (plus one for an
        unreadable rest)."""
        seen, offset = 0, tracker.current_restriction().start
        try:
            with readable_file.open(compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                offset = first_line_start(stream, offset)
                for record, size in reader.records_from(stream, path, offset):
                    offset = record.line
                    if not tracker.try_claim(offset):
                        return seen   # the first line of the next range
                    seen += 1
                    self.bytes_in.inc(size)
                    yield _count_rejection(record) if isinstance(record, Rejection) else record
        except Exception as error:  # the storage layer's errors are many types; each ends this range only
            seen += 1
            yield _count_rejection(Rejection("read", "unreadable", f"could not read from byte {offset}: {error!r}",
                                             source=path, line=offset))
        # The end of the file (or an unreadable rest): nothing more to claim in this range.
        tracker.try_claim(tracker.current_restriction().stop)
        return seen

    def _read_whole(self, readable_file: fileio.ReadableFile, path: str, reader):
        """Every record of the file, read by this one call; returns the records the file held (``Cursor.seen``)."""
        cursor = Cursor()
        special = _not_a_regular_file(readable_file.metadata.path)
        try:
            if special:
                cursor.seen += 1
                yield _count_rejection(Rejection(
                    "read", "not_a_file", f"is {special}, not a file; it was not opened", source=path))
            else:
                with _open(readable_file) as stream:
                    for record, size in reader.read(stream, path, cursor):
                        self.bytes_in.inc(size)
                        yield _count_rejection(record) if isinstance(record, Rejection) else record
        except Exception as error:  # opening or closing the file failed; the reader handles the rest
            cursor.seen += 1
            yield _count_rejection(
                Rejection("read", "unreadable", f"could not open or close the file: {error!r}", source=path))
        return cursor.seen


class CleanArticleFn(beam.DoFn):
    """Runs the text core on each article; a reader's rejection passes through to ``REJECTED``.

    Rules arrive as plain data and compile in setup(). An exception the core did not
    foresee rejects that one article as ``internal_error`` instead of failing the job.
    Records clean and rejected per file are counted per bundle and emitted under
    ``FILE_COUNTS`` when it finishes: one element per file and bundle, not per record.
    """

    def __init__(self, rules: Sequence[Rule], options: CleanOptions):
        self.rules = list(rules)
        self.options = options

    def setup(self):
        self.cleaner = Cleaner(self.rules, self.options)
        self.docs_clean = Metrics.counter(NAMESPACE, DOCS_CLEAN)
        self.bytes_out = Metrics.counter(NAMESPACE, BYTES_OUT)
        self.headline_repeats = Metrics.counter(NAMESPACE, HEADLINE_REPEATS)
        self.mass_removal = Metrics.counter(NAMESPACE, MASS_REMOVAL)
        self.rule_hits = {r.name: Metrics.counter(NAMESPACE, rule_hits_counter(r.name)) for r in self.rules}
        self.rule_docs = {r.name: Metrics.counter(NAMESPACE, rule_docs_counter(r.name)) for r in self.rules}

    def start_bundle(self):
        self.tallies: dict[str, list[int]] = {}   # file: [clean, rejected]

    def finish_bundle(self):
        for source, (clean, rejected) in self.tallies.items():
            yield beam.pvalue.TaggedOutput(
                FILE_COUNTS, WindowedValue((source, (0, clean, rejected, 0)), MIN_TIMESTAMP, (GlobalWindow(),)))

    def process(self, record: Article | Rejection):
        tally = self.tallies.setdefault(record.source, [0, 0])
        if isinstance(record, Rejection):   # counted where it was made
            tally[1] += 1
            yield beam.pvalue.TaggedOutput(REJECTED, record)
            return
        article = record
        try:
            clean = self.cleaner.clean(article)
        except Rejected as error:
            tally[1] += 1
            yield beam.pvalue.TaggedOutput(
                REJECTED, _count_rejection(Rejection.of(error, article.source, article.text, article.id, article.line,
                                                        article.metadata)))
            return
        except Exception as error:
            tally[1] += 1
            yield beam.pvalue.TaggedOutput(REJECTED, _unexpected_failure(article, error))
            return
        tally[0] += 1
        self.docs_clean.inc()
        self.bytes_out.inc(len(clean.title.encode("utf-8")) + len(clean.text.encode("utf-8")))
        self.headline_repeats.inc(clean.stats["headline_repeats"])
        if clean.stats.get("mass_removal"):
            self.mass_removal.inc()
        for name, hits in clean.stats["rules"].items():
            self.rule_hits[name].inc(hits)
            self.rule_docs[name].inc()
        yield clean


def _unexpected_failure(article: Article, error: Exception) -> Rejection:
    text = article.text if isinstance(article.text, str) else repr(article.text)
    return _count_rejection(Rejection(
        "clean", "internal_error", f"unexpected {type(error).__name__} while cleaning: {error!r}; please report it",
        source=article.source, id=article.id, line=article.line, raw_start=text[:RAW_PREVIEW_CHARS],
        metadata=article.metadata))


class ReadArticles(beam.PTransform):
    """Files matching a glob to records (``RECORDS``: articles and the reader's rejections) and records seen per
    file (``FILE_COUNTS``)."""

    def __init__(self, file_pattern: str, input_format: str = "auto", options: ReadOptions = ReadOptions()):
        super().__init__()
        self.file_pattern = file_pattern
        self.input_format = input_format
        self.options = replace(options, id_root=glob_root(file_pattern))

    def expand(self, pipeline):
        return (
            pipeline
            | "MatchFiles" >> fileio.MatchFiles(self.file_pattern)
            # Spread the file list, not the documents: each worker then streams its files from
            # reading to writing, and no shuffle ever holds the articles.
            | "SpreadFilesOverWorkers" >> beam.Reshuffle()
            | "OpenFiles" >> fileio.ReadMatches()
            | "ParseRecords" >> beam.ParDo(ReadArticlesFn(self.input_format, self.options))
                .with_outputs(FILE_COUNTS, main=RECORDS)
        )


class CleanArticles(beam.PTransform):
    """Records (articles and rejections) to clean articles (``CLEAN``), every rejection (``REJECTED``) and
    records clean and rejected per file (``FILE_COUNTS``); see :class:`CleanArticleFn`."""

    def __init__(self, rules: Sequence[Rule], options: CleanOptions = CleanOptions()):
        super().__init__()
        self.rules = rules
        self.options = options

    def expand(self, records):
        results = (
            records
            | "Clean" >> beam.ParDo(CleanArticleFn(self.rules, self.options))
                .with_output_types(CleanArticle, **{REJECTED: Rejection, FILE_COUNTS: tuple})
                .with_outputs(REJECTED, FILE_COUNTS, main=CLEAN)
        )
        return {CLEAN: results[CLEAN], REJECTED: results[REJECTED], FILE_COUNTS: results[FILE_COUNTS]}


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


class _CountRepeatedIds(beam.DoFn):
    def __init__(self):
        self.duplicates = Metrics.counter(NAMESPACE, DUPLICATE_IDS)

    def process(self, id_and_count):
        if id_and_count[1] > 1:
            self.duplicates.inc(id_and_count[1] - 1)


class CountDuplicateIds(beam.PTransform):
    """Counts clean articles whose id another clean article already has; the records stay."""

    def expand(self, clean):
        return (
            clean
            | "KeyById" >> beam.Map(lambda article: (article.id, 1))
            | "CountPerId" >> beam.CombinePerKey(sum)
            | "CountRepeats" >> beam.ParDo(_CountRepeatedIds())
        )
