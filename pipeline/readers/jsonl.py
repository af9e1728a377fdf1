"""``jsonl``: one article per non-blank line; a line without an id gets ``FILE_NAME:LINE``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from pipeline.readers.base import Cursor, JsonlFields, Reader, Record, base_name, preview
from pipeline.readers.decoding import bounded_lines, decode_bytes
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


class JsonlReader(Reader):
    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".json")

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        max_bytes = self.options.max_doc_bytes
        cursor.line = 0
        for line_no, line in enumerate(bounded_lines(stream, max_bytes), 1):
            if line is None:
                too_large = Rejected("read", "too_large", f"line longer than --max_doc_bytes ({max_bytes:,} bytes)")
                yield Rejection.of(too_large, path, "", line=line_no), 0
            elif line.strip():
                try:
                    yield article_from_json_line(line, path, line_no, self.options.fields), len(line)
                except Rejected as error:
                    yield Rejection.of(error, path, preview(line), line=line_no), len(line)
            cursor.line = line_no
