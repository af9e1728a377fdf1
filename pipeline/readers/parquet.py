"""``parquet``: one article per row, read with pyarrow a batch at a time (never the whole file).

Columns are named by ``--text_field``, ``--id_field``, ``--url_field`` and ``--title_field`` as for JSONL; every
other column is the row's metadata (see :mod:`pipeline.readers.fields`). A row without an id gets ``FILE:ROW``.
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyarrow.parquet as pq

from pipeline.readers.base import Cursor, Reader, Record
from pipeline.readers.fields import article_from_fields
from pipeline.records import Rejected, Rejection

# Rows per batch: small enough that a batch of long articles stays a few MB, large enough to read fast.
BATCH_ROWS = 256


def json_value(value: Any) -> Any:
    """A Parquet value as JSON can hold it: dates and times as ISO text, decimals and bytes as text.

    >>> json_value(datetime.date(2026, 5, 25)), json_value(decimal.Decimal("1.50")), json_value([1, b"x"])
    ('2026-05-25', '1.50', [1, 'x'])
    """
    if isinstance(value, (datetime.date, datetime.time)):   # datetime is a date
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, datetime.timedelta)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    return value


class ParquetReader(Reader):
    name = "parquet"
    extensions = (".parquet",)

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        max_bytes = self.options.max_doc_bytes
        cursor.line = 0
        for batch in pq.ParquetFile(stream).iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                cursor.line += 1
                cursor.seen += 1
                record = {key: json_value(value) for key, value in row.items()}
                text = record.get(self.options.fields.text)
                size = len(text.encode("utf-8")) if isinstance(text, str) else 0
                try:
                    if size > max_bytes:
                        raise Rejected("read", "too_large", f"text longer than --max_doc_bytes ({max_bytes:,} bytes)")
                    yield article_from_fields(record, path, cursor.line, self.options.fields, self.options.id_root), size
                except Rejected as error:
                    raw = json.dumps(record, ensure_ascii=False, default=str)
                    yield Rejection.of(error, path, raw, line=cursor.line), size
