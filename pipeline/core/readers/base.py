"""What every input format shares: the reader interface, the read options, file names.

A reader turns one opened (already decompressed) file into records, each an
:class:`Article` or a :class:`Rejection` with the number of bytes it came from.
Nothing larger than ``max_doc_bytes`` is held in memory.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from pipeline.core.readers.compression import compression_suffix
from pipeline.core.records import RAW_PREVIEW_CHARS, Article, Rejected, Rejection

# About 180 times the longest article in the corpus (55 KB); anything larger is a scraping accident.
DEFAULT_MAX_DOC_BYTES = 10_000_000

Record = tuple[Article | Rejection, int]


@dataclass(frozen=True)
class JsonlFields:
    """Which JSON keys hold each part of an article."""

    text: str = "text"
    id: str = "id"
    url: str = "url"
    title: str = "title"


@dataclass(frozen=True)
class ReadOptions:
    fields: JsonlFields = field(default_factory=JsonlFields)
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES
    html_mode: str = "article"   # see pipeline.core.pages.HTML_MODES
    # --ledger: pages also say what their extraction left out (Article.removals).
    ledger: bool = False
    # The input glob's fixed prefix (ids.glob_root); ids of files are their paths below it.
    id_root: str = ""


@dataclass
class Cursor:
    """Where a reader is in its file, so that a read error can say where it happened."""

    line: int | None = None
    # Where the unread rest of the file starts, for formats that do not count it as ``line + 1`` (JSONL: a byte).
    resume_at: int | None = None
    # Records the file holds as far as it was read: lines (JSONL), the file (text, HTML), an unreadable rest.
    # Counted apart from the records made, so that a reader which stops early does not reconcile.
    seen: int = 0


class Reader:
    """One input format. Subclasses set ``name`` and ``extensions`` and implement :meth:`records`.

    A format whose records are lines sets ``splittable`` and implements :meth:`lines_from` and
    :meth:`line_record`: an uncompressed file is then read in byte ranges, each holding the lines that start
    inside it.
    """

    name = ""
    extensions: tuple[str, ...] = ()
    splittable = False

    def __init__(self, options: ReadOptions = ReadOptions()):
        self.options = options

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        raise NotImplementedError

    def lines_from(self, stream: BinaryIO, start: int) -> Iterator[tuple[int, bytes | None]]:
        """``(offset, line)`` for the lines that start at or after byte ``start`` of an uncompressed file, where the
        stream is (None for a line too large to hold): what a byte range claims, by offset, before parsing."""
        raise NotImplementedError

    def line_record(self, path: str, offset: int, line: bytes | None) -> Record:
        """One line of :meth:`lines_from` as its record."""
        raise NotImplementedError

    def read(self, stream: BinaryIO, path: str, cursor: Cursor | None = None) -> Iterator[Record]:
        """Every record of the file; a read error (a truncated archive, a vanished file) keeps what was
        read and ends with one ``unreadable`` rejection for the rest. ``cursor.seen`` counts the records
        the file held as far as it was read."""
        cursor = cursor or Cursor()
        try:
            yield from self.records(stream, path, cursor)
        except Exception as error:  # the storage layer's errors are many types; each ends this file only
            cursor.seen += 1
            if cursor.resume_at is not None:
                where, resume = f"from byte {cursor.resume_at}", cursor.resume_at
            elif cursor.line is not None:
                where, resume = f"past line {cursor.line}", cursor.line + 1
            else:
                where, resume = "the file", None
            rest = error if isinstance(error, Rejected) else \
                Rejected("read", "unreadable", f"could not read {where}: {error!r}")
            yield Rejection.of(rest, path, "", line=resume), 0


class WholeFileReader(Reader):
    """Formats where one file is one article: read it whole (up to the limit), then :meth:`article`."""

    def article(self, path: str, data: bytes) -> Article:
        raise NotImplementedError

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        data = b""
        try:
            data = read_at_most(stream, self.options.max_doc_bytes)
            cursor.seen = 1
            yield self.article(path, data), len(data)
        except Rejected as error:
            cursor.seen = 1
            yield Rejection.of(error, path, preview(data)), len(data)


def read_at_most(stream: BinaryIO, max_bytes: int, chunk: int = 1 << 20) -> bytes:
    """Read a whole stream, refusing one larger than ``max_bytes`` after reading one byte more.

    In chunks: ``read(max_bytes + 1)`` would allocate the whole limit up front, for every file.

    >>> import io
    >>> read_at_most(io.BytesIO(b"abc"), 10 ** 12)
    b'abc'
    """
    parts: list[bytes] = []
    size = 0
    while size <= max_bytes and (data := stream.read(min(chunk, max_bytes + 1 - size))):
        parts.append(data)
        size += len(data)
    if size > max_bytes:
        raise Rejected("read", "too_large", f"larger than --max_doc_bytes ({max_bytes:,} bytes)")
    return b"".join(parts)


def preview(data: bytes) -> str:
    return data[:RAW_PREVIEW_CHARS * 4].decode("utf-8", "replace")


def base_name(path: str) -> str:
    return posixpath.basename(path.replace("\\", "/"))


def strip_compression(name: str) -> str:
    suffix = compression_suffix(name)
    return name if suffix is None else name[: -len(suffix)]
