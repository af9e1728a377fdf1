"""Input formats: one module per format, each a :class:`Reader` registered in ``READERS``.

A new format is a module here with a Reader subclass (its ``name`` and the
``extensions`` that pick it under ``--input_format auto``), and one line in ``READERS``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import BinaryIO

from pipeline.core.readers.base import (
    DEFAULT_MAX_DOC_BYTES,
    JsonlFields,
    Reader,
    ReadOptions,
    Record,
    WholeFileReader,
    base_name,
    strip_compression,
)
from pipeline.core.readers.html import HtmlReader
from pipeline.core.readers.jsonl import JsonlReader
from pipeline.core.readers.parquet import ParquetReader
from pipeline.core.readers.text import TextReader
from pipeline.core.readers.warc import WarcReader
from pipeline.core.records import Article

READERS: dict[str, type[Reader]] = {
    TextReader.name: TextReader,
    JsonlReader.name: JsonlReader,
    HtmlReader.name: HtmlReader,
    ParquetReader.name: ParquetReader,
    WarcReader.name: WarcReader,
}
FORMATS = ("auto", *READERS)
_BY_EXTENSION = {extension: name for name, reader in READERS.items() for extension in reader.extensions}

__all__ = ["DEFAULT_MAX_DOC_BYTES", "FORMATS", "READERS", "JsonlFields", "ReadOptions", "Reader", "Record",
           "article_from_file", "detect_format", "read_records"]


def detect_format(path: str) -> str:
    """The format a file's extension names; ``text`` for any other.

    >>> detect_format("dump/articles.jsonl.gz")
    'jsonl'
    >>> detect_format("dump/article.txt")
    'text'
    """
    extension = posixpath.splitext(strip_compression(base_name(path)))[1].lower()
    return _BY_EXTENSION.get(extension, TextReader.name)


def read_records(stream: BinaryIO, path: str, fmt: str, options: ReadOptions = ReadOptions()) -> Iterator[Record]:
    """Every record of one opened file in format ``fmt``; see :meth:`Reader.read`."""
    return READERS[fmt](options).read(stream, path)



def article_from_file(path: str, data: bytes, fmt: str, options: ReadOptions = ReadOptions()) -> Article:
    """One whole file (``text``, ``html``) as its article; raises Rejected."""
    reader = READERS[fmt](options)
    if not isinstance(reader, WholeFileReader):
        raise ValueError(f"{fmt} files hold many records; use read_records")
    return reader.article(path, data)
