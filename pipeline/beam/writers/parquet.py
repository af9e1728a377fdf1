"""``parquet``: through Beam's ``WriteToParquet``, one explicit pyarrow schema per kind of record.

The schemas are the JSON Schemas in ``docs/schema/`` in columnar form, so every shard of a run has the same
columns whichever rules fired. ``metadata`` is a ``map<string, string>``: string values as they are, any other
value (a number, a list, an object) as its JSON text, since input records' metadata has no fixed shape.
``--compression`` is the column codec; the file name stays ``.parquet``, as readers expect.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.beam.writers.base import Writer
from pipeline.core.dedup import Duplicate
from pipeline.core.ledger import LedgerEntry
from pipeline.core.records import CleanArticle, FileTally, Rejection

METADATA = pa.map_(pa.string(), pa.string())

CLEAN_SCHEMA = pa.schema([
    ("id", pa.string()), ("title", pa.string()), ("text", pa.string()), ("url", pa.string()),
    ("input_file", pa.string()), ("line", pa.int64()), ("metadata", METADATA),
    ("stats", pa.struct([
        ("chars_in", pa.int64()), ("chars_out", pa.int64()), ("headline_repeats", pa.int64()),
        ("rules", pa.list_(pa.struct([("rule", pa.string()), ("hits", pa.int64())]))),
        ("words_removed_by_rules", pa.float64()), ("mass_removal", pa.bool_()),
        ("surrogates_replaced", pa.int64()), ("combining_marks_dropped", pa.int64()),
        ("truncated", pa.struct([("signal", pa.string()), ("evidence", pa.string())])),
    ])),
])
REJECTED_SCHEMA = pa.schema([
    ("id", pa.string()), ("input_file", pa.string()), ("line", pa.int64()), ("stage", pa.string()),
    ("reason", pa.string()), ("detail", pa.string()), ("raw_start", pa.string()), ("metadata", METADATA),
])
FILES_SCHEMA = pa.schema([
    ("input_file", pa.string()), ("read", pa.int64()), ("clean", pa.int64()), ("rejected", pa.int64()),
    ("duplicates", pa.int64()),
])
DUPLICATES_SCHEMA = pa.schema([
    *CLEAN_SCHEMA, ("duplicate_of", pa.string()), ("duplicate_of_input_file", pa.string()),
    ("duplicate_of_line", pa.int64()), ("similarity", pa.float64()), ("match", pa.string()),
])
# Rows converted to Python at a time when a run is read back.
READ_BATCH_ROWS = 256
REMOVAL_TYPE = pa.struct([
    ("step", pa.string()), ("cause", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
    ("replacement", pa.string()), ("before", pa.string()), ("after", pa.string()),
    ("score", pa.float64()), ("path", pa.string()),
])
REMOVED_SCHEMA = pa.schema([
    ("id", pa.string()), ("input_file", pa.string()), ("line", pa.int64()), ("url", pa.string()),
    ("removals", pa.list_(REMOVAL_TYPE)),
])
SCHEMAS: dict[type, pa.Schema] = {CleanArticle: CLEAN_SCHEMA, Rejection: REJECTED_SCHEMA, FileTally: FILES_SCHEMA,
                                  Duplicate: DUPLICATES_SCHEMA, LedgerEntry: REMOVED_SCHEMA}


def to_row(record) -> dict:
    row = record.to_dict()
    if "metadata" in row:
        # allow_nan off, as for JSONL (writers/jsonl.py): a bare NaN is no JSON.
        row["metadata"] = {key: value if value is None or isinstance(value, str) else
                           json.dumps(value, ensure_ascii=False, allow_nan=False) for key, value in row["metadata"].items()}
    return row


class ParquetWriter(Writer):
    name = "parquet"
    suffix = ".parquet"

    def expand(self, records):
        return (
            records
            | "ToRows" >> beam.Map(to_row)
            | "WriteFiles" >> beam.io.WriteToParquet(
                self.path_prefix, SCHEMAS[self.record_type], codec=self.compression, file_name_suffix=self.suffix,
                num_shards=self.num_shards)
        )

    @staticmethod
    def read(path: str) -> Iterator[dict]:
        with FileSystems.open(path) as stream:
            # Batch by batch, so reading a run back holds a batch of records, not the shard.
            for batch in pq.ParquetFile(stream).iter_batches(batch_size=READ_BATCH_ROWS):
                for row in batch.to_pylist():
                    if "metadata" in row:   # pyarrow gives a map as (key, value) pairs
                        row["metadata"] = dict(row["metadata"])
                    yield row
