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

from pipeline.records import RAW_PREVIEW_CHARS, Article, Rejected, Rejection

# About 180 times the longest article in the corpus (55 KB); anything larger is a scraping accident.
DEFAULT_MAX_DOC_BYTES = 10_000_000
COMPRESSED = (".gz", ".bz2", ".zst", ".deflate", ".lzma")

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
    html_mode: str = "article"   # see pipeline.pages.HTML_MODES
    # The input glob's fixed prefix (ids.glob_root); ids of files are their paths below it.
    id_root: str = ""


@dataclass
class Cursor:
    """Where a reader is in its file, so that a read error can say where it happened."""

    line: int | None = None


class Reader:
    """One input format. Subclasses set ``name`` and ``extensions`` and implement :meth:`records`."""

    name = ""
    extensions: tuple[str, ...] = ()

    def __init__(self, options: ReadOptions = ReadOptions()):
        self.options = options

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        raise NotImplementedError

    def read(self, stream: BinaryIO, path: str) -> Iterator[Record]:
        """Every record of the file; a read error (a truncated archive, a vanished file) keeps what was
        read and ends with one ``unreadable`` rejection for the rest."""
        cursor = Cursor()
        try:
            yield from self.records(stream, path, cursor)
        except Exception as error:  # the storage layer's errors are many types; each ends this file only
            where = "the file" if cursor.line is None else f"past line {cursor.line}"
            unreadable = Rejected("read", "unreadable", f"could not read {where}: {error!r}")
            yield Rejection.of(unreadable, path, "", line=None if cursor.line is None else cursor.line + 1), 0


class WholeFileReader(Reader):
    """Formats where one file is one article: read it whole (up to the limit), then :meth:`article`."""

    def article(self, path: str, data: bytes) -> Article:
        raise NotImplementedError

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        data = b""
        try:
            data = read_at_most(stream, self.options.max_doc_bytes)
            yield self.article(path, data), len(data)
        except Rejected as error:
            yield Rejection.of(error, path, preview(data)), len(data)


def read_at_most(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read a whole stream, refusing one larger than ``max_bytes`` after reading one byte more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Rejected("read", "too_large", f"larger than --max_doc_bytes ({max_bytes:,} bytes)")
    return data


def preview(data: bytes) -> str:
    return data[:RAW_PREVIEW_CHARS * 4].decode("utf-8", "replace")


def base_name(path: str) -> str:
    return posixpath.basename(path.replace("\\", "/"))


def strip_compression(name: str) -> str:
    for suffix in COMPRESSED:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name
