"""``jsonl``: one article per non-blank line; a line without an id gets ``FILE:LINE``, its other fields are metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from pipeline.readers.base import Cursor, JsonlFields, Reader, Record, preview
from pipeline.readers.decoding import bounded_lines, decode_bytes
from pipeline.readers.fields import article_from_fields
from pipeline.records import Article, Rejected, Rejection


def article_from_json_line(line: bytes, path: str, line_no: int, fields: JsonlFields, id_root: str = "") -> Article:
    """Parse one JSONL line; see :func:`article_from_fields` for its fields, metadata and id."""
    try:
        record = json.loads(decode_bytes(line))
    except RecursionError:
        raise Rejected("parse", "invalid_json", "JSON nested too deeply to parse") from None
    except ValueError as error:   # JSONDecodeError, and an integer of more than 4,300 digits
        raise Rejected("parse", "invalid_json", f"line is not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise Rejected("parse", "not_an_object", f"line holds a JSON {type(record).__name__}, not an object")
    return article_from_fields(record, path, line_no, fields, id_root)


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
                    yield article_from_json_line(line, path, line_no, self.options.fields, self.options.id_root), len(line)
                except Rejected as error:
                    yield Rejection.of(error, path, preview(line), line=line_no), len(line)
            cursor.line = line_no
