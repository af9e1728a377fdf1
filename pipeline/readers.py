"""Raw input to :class:`Article` records: format detection, decoding, parsing.

A record is a whole file for ``text`` and ``html`` inputs, and a non-blank
line for ``jsonl`` inputs.
"""

from __future__ import annotations

import codecs
import json
import posixpath
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from pipeline.html_text import html_to_text
from pipeline.records import RAW_PREVIEW_CHARS, Article, Rejected, Rejection

FORMATS = ("auto", "text", "jsonl", "html")
# About 180 times the longest article in the corpus (55 KB); anything larger is a scraping accident.
DEFAULT_MAX_DOC_BYTES = 10_000_000
_COMPRESSED = (".gz", ".bz2", ".zst", ".deflate", ".lzma")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".html": "html", ".htm": "html"}


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    # Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; Latin-1 maps them
    # to the same code points, as browsers do.
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error("newsclean-cp1252", _cp1252_fallback)


@dataclass(frozen=True)
class JsonlFields:
    """Which JSON keys hold each part of an article."""

    text: str = "text"
    id: str = "id"
    url: str = "url"
    title: str = "title"


def base_name(path: str) -> str:
    return posixpath.basename(path.replace("\\", "/"))


def _strip_compression(name: str) -> str:
    for suffix in _COMPRESSED:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def file_stem(path: str) -> str:
    """The file name without folders, compression suffix or extension.

    >>> file_stem("gs://bucket/raw/000_82a2.txt.gz")
    '000_82a2'
    >>> file_stem("notes")
    'notes'
    """
    return posixpath.splitext(_strip_compression(base_name(path)))[0]


def detect_format(path: str) -> str:
    """Pick ``jsonl``, ``html`` or ``text`` from the file extension.

    >>> detect_format("dump/articles.jsonl.gz")
    'jsonl'
    >>> detect_format("dump/article.txt")
    'text'
    """
    extension = posixpath.splitext(_strip_compression(base_name(path)))[1].lower()
    return _EXTENSIONS.get(extension, "text")


def decode_bytes(data: bytes) -> str:
    """Decode input bytes: UTF-8 (with or without BOM), UTF-16 with a BOM.

    Bytes that are not valid UTF-8 are read as Windows-1252, the usual reason
    for them in scraped text, instead of becoming U+FFFD.

    >>> decode_bytes("caf\\u00e9 \\u2019".encode("utf-8"))
    'café ’'
    >>> decode_bytes(b"caf\\xe9 \\x92")
    'café ’'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise Rejected("read", "undecodable", f"starts with a UTF-16 byte-order mark but is not UTF-16: {error}") from None
    return data.decode("utf-8-sig", errors="newsclean-cp1252")


def check_not_binary(data: bytes) -> None:
    """Refuse bytes that hold NUL in their first 8,000 bytes, as git does to call a file binary.

    UTF-16 with a byte-order mark is text; without one it looks binary, and the
    message says how to fix it.
    """
    if b"\x00" in data[:8000] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Rejected("read", "binary", "holds NUL bytes, so it is not text (if it is UTF-16 without a "
                                         "byte-order mark, convert it to UTF-8)")


def read_at_most(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read a whole stream, refusing one larger than ``max_bytes`` after reading one byte more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Rejected("read", "too_large", f"larger than --max_doc_bytes ({max_bytes:,} bytes)")
    return data


def bounded_lines(stream: BinaryIO, max_bytes: int, chunk: int = 1 << 16) -> Iterator[bytes | None]:
    """Yield the stream's lines; a line longer than ``max_bytes`` yields None and is never held whole.

    >>> import io
    >>> list(bounded_lines(io.BytesIO(b"ab\\n" + b"x" * 10 + b"\\ncd"), max_bytes=5, chunk=4))
    [b'ab\\n', None, b'cd']
    >>> list(bounded_lines(io.BytesIO(b"one\\n\\ntwo\\n"), max_bytes=5))
    [b'one\\n', b'\\n', b'two\\n']
    """
    # read1() hands over what one read decompressed, so lines before a truncated end are not lost with it.
    read = getattr(stream, "read1", stream.read)
    parts: list[bytes] = []
    size, skipping = 0, False
    while data := read(chunk):
        start = 0
        while (newline := data.find(b"\n", start)) >= 0:
            piece = data[start:newline + 1]
            if skipping or size + len(piece) > max_bytes:
                yield None
            else:
                parts.append(piece)
                yield b"".join(parts)
            parts, size, skipping = [], 0, False
            start = newline + 1
        rest = data[start:]
        if not skipping and size + len(rest) > max_bytes:
            parts, size, skipping = [], 0, True
        elif not skipping:
            parts.append(rest)
            size += len(rest)
    if skipping:
        yield None
    elif size:
        yield b"".join(parts)


def article_from_file(path: str, data: bytes, fmt: str) -> Article:
    """One ``text`` or ``html`` file as one article; its id is the file stem."""
    check_not_binary(data)
    text = decode_bytes(data)
    if fmt == "html":
        page = html_to_text(text)
        return Article(id=file_stem(path), text=page.text, source=path, url=page.url, title=page.title)
    return Article(id=file_stem(path), text=text, source=path)


def _optional_string(record: dict, key: str, record_id: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise Rejected("parse", "bad_field", f"field '{key}' must be a string, got {type(value).__name__}", record_id)


def article_from_json_line(line: bytes, path: str, line_no: int, fields: JsonlFields) -> Article:
    """Parse one JSONL line; a missing id becomes ``<file name>:<line number>``."""
    try:
        record = json.loads(decode_bytes(line))
    except json.JSONDecodeError as error:
        raise Rejected("parse", "invalid_json", f"line is not valid JSON: {error}") from None
    except RecursionError:
        raise Rejected("parse", "invalid_json", "JSON nested too deeply to parse") from None
    if not isinstance(record, dict):
        raise Rejected("parse", "not_an_object", f"line holds a JSON {type(record).__name__}, not an object")
    raw_id = record.get(fields.id)
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, type(None))):
        raise Rejected("parse", "bad_field", f"field '{fields.id}' must be a string or integer, got {type(raw_id).__name__}")
    article_id = str(raw_id) if raw_id is not None and str(raw_id).strip() else f"{base_name(path)}:{line_no}"
    text = record.get(fields.text)
    if text is None:
        raise Rejected("parse", "missing_text", f"no '{fields.text}' field (set --text_field if it has another name)", article_id)
    if not isinstance(text, str):
        raise Rejected("parse", "bad_field", f"field '{fields.text}' must be a string, got {type(text).__name__}", article_id)
    return Article(
        id=article_id, text=text, source=path, line=line_no,
        url=_optional_string(record, fields.url, article_id), title=_optional_string(record, fields.title, article_id),
    )


def _preview(data: bytes) -> str:
    return data[:RAW_PREVIEW_CHARS * 4].decode("utf-8", "replace")


def read_records(stream: BinaryIO, path: str, fmt: str, fields: JsonlFields,
                 max_bytes: int) -> Iterator[tuple[Article | Rejection, int]]:
    """Every record of one opened file, each with the number of bytes it came from.

    Text and HTML files are one record; JSONL files one record per non-blank
    line. Nothing larger than ``max_bytes`` is held in memory. An error while
    reading (a truncated archive, a vanished file) keeps what was read and ends
    with one ``unreadable`` rejection for the rest.
    """
    line_no = 0
    try:
        if fmt != "jsonl":
            data = b""
            try:
                data = read_at_most(stream, max_bytes)
                yield article_from_file(path, data, fmt), len(data)
            except Rejected as error:
                yield Rejection.of(error, path, _preview(data)), len(data)
            return
        for line_no, line in enumerate(bounded_lines(stream, max_bytes), 1):
            if line is None:
                too_large = Rejected("read", "too_large", f"line longer than --max_doc_bytes ({max_bytes:,} bytes)")
                yield Rejection.of(too_large, path, "", line=line_no), 0
            elif line.strip():
                try:
                    yield article_from_json_line(line, path, line_no, fields), len(line)
                except Rejected as error:
                    yield Rejection.of(error, path, _preview(line), line=line_no), len(line)
    except Exception as error:  # the storage layer's errors are many types; each ends this file only
        where = f"past line {line_no}" if fmt == "jsonl" else "the file"
        unreadable = Rejected("read", "unreadable", f"could not read {where}: {error!r}")
        yield Rejection.of(unreadable, path, "", line=line_no + 1 if fmt == "jsonl" else None), 0
