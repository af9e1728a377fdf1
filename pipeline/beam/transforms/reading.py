"""Reading: files matching a glob to records, read in byte ranges the runner splits (or planned at launch for a
runner without splittable DoFns), a reader per format; what cannot be read becomes a rejected record."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from typing import BinaryIO, NamedTuple

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.metrics import Metrics
from apache_beam.transforms.core import RestrictionProvider

from pipeline.beam.transforms.accounting import (
    BYTES_IN,
    DOCS_READ,
    DOCS_REJECTED,
    FILE_COUNTS,
    NAMESPACE,
    RECORDS,
    STATS,
    rejected_counter,
)
from pipeline.core import progress as counts_of
from pipeline.core.progress import ProgressFile, ProgressTarget
from pipeline.core.readers import READERS, ReadOptions, detect_format
from pipeline.core.readers.base import Cursor
from pipeline.core.readers.compression import compression_suffix, open_decompressed
from pipeline.core.readers.decoding import first_line_start, readable_path
from pipeline.core.readers.ids import glob_root
from pipeline.core.records import Rejection


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


