"""``jsonl``: one article per non-blank line; a line without an id gets ``FILE_NAME:LINE``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from pipeline.readers.base import Cursor, JsonlFields, Reader, Record, base_name, preview
from pipeline.readers.decoding import bounded_lines, decode_bytes, replace_surrogates
from pipeline.records import Article, Rejected, Rejection


def _optional_string(record: dict, key: str, record_id: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise Rejected("parse", "bad_field", f"field '{key}' must be a string, got {type(value).__name__}", record_id)


def article_from_json_line(line: bytes, path: str, line_no: int, fields: JsonlFields) -> Article:
    """Parse one JSONL line; a missing id becomes ``<file name>:<line number>``."""
    try:
        record = json.loads(decode_bytes(line))
    except RecursionError:
        raise Rejected("parse", "invalid_json", "JSON nested too deeply to parse") from None
    except ValueError as error:   # JSONDecodeError, and an integer of more than 4,300 digits
        raise Rejected("parse", "invalid_json", f"line is not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise Rejected("parse", "not_an_object", f"line holds a JSON {type(record).__name__}, not an object")
    raw_id = record.get(fields.id)
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, type(None))):
        raise Rejected("parse", "bad_field", f"field '{fields.id}' must be a string or integer, got {type(raw_id).__name__}")
    if isinstance(raw_id, int):
        raw_id = str(raw_id)   # str() of an integer over 4,300 digits raises too
    # Lone surrogates ("\udc00" escapes) become U+FFFD here, in every field, so none reaches a coder or writer.
    raw_id, replaced = replace_surrogates(raw_id) if raw_id is not None else (None, 0)
    article_id = raw_id if raw_id is not None and raw_id.strip() else f"{base_name(path)}:{line_no}"
    text = record.get(fields.text)
    if text is None:
        raise Rejected("parse", "missing_text", f"no '{fields.text}' field (set --text_field if it has another name)", article_id)
    if not isinstance(text, str):
        raise Rejected("parse", "bad_field", f"field '{fields.text}' must be a string, got {type(text).__name__}", article_id)
    text, in_text = replace_surrogates(text)
    url, in_url = _safe(_optional_string(record, fields.url, article_id))
    title, in_title = _safe(_optional_string(record, fields.title, article_id))
    return Article(id=article_id, text=text, source=path, line=line_no, url=url, title=title,
                   surrogates_replaced=replaced + in_text + in_url + in_title)


def _safe(value: str | None) -> tuple[str | None, int]:
    return (None, 0) if value is None else replace_surrogates(value)


class JsonlReader(Reader):
    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".json")

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        max_bytes = self.options.max_doc_bytes
        cursor.line = 0
        for line_no, line in bounded_lines(stream, max_bytes):
            cursor.seen += 1   # counted before parsing: a line that gives no record cannot reconcile
            if line is None:
                too_large = Rejected("read", "too_large", f"line longer than --max_doc_bytes ({max_bytes:,} bytes)")
                yield Rejection.of(too_large, path, "", line=line_no), 0
            else:
                try:
                    yield article_from_json_line(line, path, line_no, self.options.fields), len(line)
                except Rejected as error:
                    yield Rejection.of(error, path, preview(line), line=line_no), len(line)
            cursor.line = line_no
