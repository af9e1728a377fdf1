"""``parquet``: one article per row, read with pyarrow a batch at a time (never the whole file).

Columns are named by ``--text_field``, ``--id_field``, ``--url_field`` and ``--title_field`` as for JSONL; every
other column is the row's metadata (see :mod:`pipeline.core.readers.fields`). A row without an id gets ``FILE:ROW``.

Memory is bounded before any Python string is built. A row group whose rows average over ``--max_doc_bytes``
(by the file's metadata) is rejected row by row without being decompressed; any other is read in batches of as
many rows as its size in the metadata allows (``BATCH_BYTES`` of decoded columns, ``BATCH_ROWS`` at most); string and
binary columns are read as dictionaries where the file stores them so (forty rows of one 50 MB value stay one
50 MB value, not 2 GB); a row's size is summed from its cells' lengths in Arrow, and only rows within
``--max_doc_bytes`` become Python values. A cell that is no Python value (a timestamp beyond year 9999) is its
row's rejection, not its batch's.
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.core.readers.base import Cursor, Reader, Record
from pipeline.core.readers.fields import article_from_fields, metadata_of
from pipeline.core.readers.ids import relative_name
from pipeline.core.records import Rejected, Rejection

# Rows per batch at most, and the decoded bytes a batch should hold at most by the row group's metadata: a
# batch of news articles is 256 rows (about 1 MB); one of 50 MB cells is one row.
BATCH_ROWS = 256
BATCH_BYTES = 32 << 20
# How much of the file pyarrow reads ahead per column (with pre-buffering off, so a row group's compressed
# columns are not all read into memory first).
READ_BUFFER = 1 << 20


def json_value(value: Any) -> Any:
    """A Parquet value as JSON can hold it: dates and times as ISO text, decimals and bytes as text (floats that
    are not finite become text with the row's other metadata: :func:`pipeline.core.readers.fields.metadata_of`).

    >>> json_value(datetime.date(2026, 5, 25)), json_value(decimal.Decimal("1.50")), json_value([1, b"x"])
    ('2026-05-25', '1.50', [1, 'x'])
    """
    if isinstance(value, (datetime.date, datetime.time)):   # datetime is a date
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, datetime.timedelta)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):   # a map column gives (key, value) pairs
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    return value


def batch_rows(num_rows: int, decoded_bytes: int, budget: int, most: int = BATCH_ROWS) -> int:
    """Rows per batch for a row group of ``num_rows`` rows whose columns take ``decoded_bytes`` uncompressed (the
    file's metadata says), so that a batch holds about ``budget`` bytes.

    >>> batch_rows(10_000, 30_000_000, BATCH_BYTES)   # articles of 3 KB
    256
    >>> batch_rows(40, 2_000_000_000, BATCH_BYTES)    # 40 rows of 50 MB
    1
    """
    return max(1, min(most, budget * num_rows // max(decoded_bytes, 1)))


def too_large_group(num_rows: int, decoded_bytes: int, max_bytes: int, budget: int) -> bool:
    """Whether a row group is too large to decompress: over a batch's ``budget`` and over ``max_bytes`` a row on
    average (so not all its rows are within the limit, and pyarrow would decompress it by whole pages).

    >>> too_large_group(40, 2_000_000_000, 10_000_000, BATCH_BYTES)   # 40 rows of 50 MB
    True
    >>> too_large_group(2, 20_000_000, 10_000_000, BATCH_BYTES), too_large_group(100_000, 2_000_000_000, 10_000_000, BATCH_BYTES)
    (False, False)
    """
    return decoded_bytes > budget and decoded_bytes > max_bytes * num_rows


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind) or \
        pa.types.is_large_binary(kind)


def row_sizes(batch: pa.RecordBatch) -> np.ndarray:
    """Bytes of the string and binary cells of each row, from their lengths in Arrow (no Python string made).

    >>> row_sizes(pa.record_batch({"text": ["ab", None, "é"], "n": [1, 2, 3]})).tolist()
    [2, 0, 2]
    """
    sizes = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
            lengths = pc.take(pc.binary_length(column.dictionary), column.indices)
        elif _is_text(column.type):
            lengths = pc.binary_length(column)
        else:
            continue
        sizes += lengths.fill_null(0).to_numpy(zero_copy_only=False)
    return sizes


class BadCell:
    """A cell pyarrow cannot give as a Python value, and why."""

    def __init__(self, error: Exception):
        self.error = error


def column_values(column: pa.Array) -> list[Any]:
    """A column's Python values; a cell that has none (a timestamp beyond ``datetime``) is a :class:`BadCell`
    and the others are still read.

    >>> column_values(pa.array([1, None]))
    [1, None]
    >>> [type(v).__name__ for v in column_values(pa.array([0, 300_000_000_000_000_000], pa.timestamp("us")))]
    ['datetime', 'BadCell']
    """
    try:
        return column.to_pylist()
    except (ValueError, OverflowError, ArithmeticError):   # one cell failed: read the column cell by cell
        values: list[Any] = []
        for cell in column:
            try:
                values.append(cell.as_py())
            except (ValueError, OverflowError, ArithmeticError) as error:
                values.append(BadCell(error))
        return values


class ParquetReader(Reader):
    name = "parquet"
    extensions = (".parquet",)

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        cursor.line = 0
        metadata = pq.read_metadata(stream)
        # String columns come as dictionaries: a dictionary-encoded column is then never expanded, and the
        # lengths of its distinct values give every row's.
        strings = [field.name for field in metadata.schema.to_arrow_schema() if _is_text(field.type)]
        parquet = pq.ParquetFile(stream, metadata=metadata, read_dictionary=strings, pre_buffer=False,
                                 buffer_size=READ_BUFFER)
        max_bytes = self.options.max_doc_bytes
        for group in range(metadata.num_row_groups):
            rows = metadata.row_group(group)
            if too_large_group(rows.num_rows, rows.total_byte_size, max_bytes, BATCH_BYTES):
                # pyarrow decompresses a data page whole, and a writer puts up to 1,024 values in one: forty rows
                # of 50 MB are one 2 GB page, whatever the batch size. Rows that average over the limit cannot be
                # news articles; they are rejected from the metadata, never decompressed.
                too_large = Rejected("read", "too_large", f"its row group holds {rows.total_byte_size:,} bytes for "
                                                          f"{rows.num_rows:,} rows, over --max_doc_bytes "
                                                          f"({max_bytes:,} bytes) a row on average; not read")
                for _ in range(rows.num_rows):
                    cursor.line = (cursor.line or 0) + 1
                    cursor.seen += 1
                    yield Rejection.of(too_large, path, "", line=cursor.line), 0
                continue
            size = batch_rows(rows.num_rows, rows.total_byte_size, BATCH_BYTES)
            for batch in parquet.iter_batches(batch_size=size, row_groups=[group], use_threads=False):
                yield from self._batch(batch, path, cursor)

    def _batch(self, batch: pa.RecordBatch, path: str, cursor: Cursor) -> Iterator[Record]:
        max_bytes = self.options.max_doc_bytes
        sizes = row_sizes(batch)
        fits = sizes <= max_bytes
        kept = batch.filter(pa.array(fits)) if not fits.all() else batch
        columns = {name: column_values(kept.column(name)) for name in kept.schema.names}
        position = 0   # in ``kept``
        for size, fit in zip(sizes.tolist(), fits.tolist(), strict=True):
            cursor.line = (cursor.line or 0) + 1
            cursor.seen += 1
            if not fit:
                too_large = Rejected("read", "too_large", f"the row's text and binary cells hold {size:,} bytes, more "
                                                          f"than --max_doc_bytes ({max_bytes:,} bytes); not read")
                yield Rejection.of(too_large, path, "", line=cursor.line), size
                continue
            row = {name: values[position] for name, values in columns.items()}
            position += 1
            try:
                yield self._article(row, path, cursor.line), size
            except Rejected as error:
                record = {key: value for key, value in row.items() if not isinstance(value, BadCell)}
                yield Rejection.of(error, path, json.dumps(record, ensure_ascii=False, default=str), line=cursor.line), size

    def _article(self, row: dict[str, Any], path: str, number: int):
        fields = self.options.fields
        bad = [(name, value.error) for name, value in row.items() if isinstance(value, BadCell)]
        record = {key: json_value(value) for key, value in row.items() if not isinstance(value, BadCell)}
        if bad:
            name, error = bad[0]
            raw_id = record.get(fields.id)
            raise Rejected("parse", "bad_field", f"column '{name}' holds a value that cannot be read: {error}",
                           raw_id if isinstance(raw_id, str) and raw_id.strip() else
                           f"{relative_name(path, self.options.id_root)}:{number}", metadata_of(record, fields))
        return article_from_fields(record, path, number, fields, self.options.id_root)
