"""Raw input to :class:`Article` records: format detection, decoding, parsing.

A record is a whole file for ``text`` and ``html`` inputs, and a non-blank
line for ``jsonl`` inputs.
"""

from __future__ import annotations

import codecs
import json
import posixpath
from dataclasses import dataclass

from pipeline.html_text import html_to_text
from pipeline.records import Article, Rejected

FORMATS = ("auto", "text", "jsonl", "html")
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


def article_from_file(path: str, data: bytes, fmt: str) -> Article:
    """One ``text`` or ``html`` file as one article; its id is the file stem."""
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
