"""``jsonl``: one article per non-blank line; a line without an id gets ``FILE@BYTE``, its other fields are metadata.

A record's position (``line``) is the byte offset where its line starts in the (decompressed) file, not its
line number: an uncompressed file is read in byte ranges (see :meth:`JsonlReader.lines_from`), and a range
cannot know how many lines came before it. Offsets are the same however the file is split, compressed or not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from pipeline.core.readers.base import Cursor, JsonlFields, Reader, Record, preview
from pipeline.core.readers.decoding import bounded_lines, decode_bytes
from pipeline.core.readers.fields import article_from_fields
from pipeline.core.records import Article, Rejected, Rejection


def article_from_json_line(line: bytes, path: str, offset: int, fields: JsonlFields, id_root: str = "") -> Article:
    """Parse the JSONL line starting at byte ``offset``; see :func:`article_from_fields` for its fields, metadata
    and id (``FILE@OFFSET`` when it has none)."""
    try:
        record = json.loads(decode_bytes(line))
    except RecursionError:
        raise Rejected("parse", "invalid_json", "JSON nested too deeply to parse") from None
    except ValueError as error:   # JSONDecodeError, and an integer of more than 4,300 digits
        raise Rejected("parse", "invalid_json", f"line is not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise Rejected("parse", "not_an_object", f"line holds a JSON {type(record).__name__}, not an object")
    return article_from_fields(record, path, offset, fields, id_root, id_separator="@")


class JsonlReader(Reader):
    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".json")
    splittable = True

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        cursor.resume_at = 0
        for offset, line in bounded_lines(stream, self.options.max_doc_bytes):
            cursor.seen += 1   # counted before parsing: a line that gives no record cannot reconcile
            record, size = self.line_record(path, offset, line)
            yield record, size
            # A too_large line (size 0) was not read to its end: the rest starts at it, at the latest.
            cursor.resume_at = offset + size

    def lines_from(self, stream: BinaryIO, start: int) -> Iterator[tuple[int, bytes | None]]:
        return bounded_lines(stream, self.options.max_doc_bytes, start=start, limit_blank_runs=False)

    def line_record(self, path: str, offset: int, line: bytes | None) -> Record:
        max_bytes = self.options.max_doc_bytes
        if line is None:
            too_large = Rejected("read", "too_large", f"line longer than --max_doc_bytes ({max_bytes:,} bytes)")
            return Rejection.of(too_large, path, "", line=offset), 0
        try:
            return article_from_json_line(line, path, offset, self.options.fields, self.options.id_root), len(line)
        except Rejected as error:
            return Rejection.of(error, path, preview(line), line=offset), len(line)
