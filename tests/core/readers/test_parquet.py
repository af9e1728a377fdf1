"""Parquet input with hostile files built here (pipeline/core/readers/parquet.py): cells over --max_doc_bytes, cells
that are no Python value, and floats that are not finite."""

import io
import json
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline.core.readers.parquet as parquet_reader
from pipeline.core.readers import ReadOptions, read_records
from pipeline.core.records import Rejection
from tests.conftest import IN_PROCESS, read_output, run_cli

SCHEMA = pa.schema([("id", pa.string()), ("text", pa.string()), ("published", pa.timestamp("us"))])


def parquet_bytes(table: pa.Table, **write) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out, **write)
    return out.getvalue()


def outcomes(records: list) -> list[str]:
    return [getattr(record, "reason", "clean") for record in records]


@pytest.mark.parametrize("dictionary", [True, False])
def test_rows_over_the_limit_are_rejected_before_their_cells_become_python_strings(monkeypatch, dictionary):
    """Forty rows of one long value (the shape that took 11 GB at 50 MB a row), then a short one: each long row is
    its own too_large rejection, decided from Arrow's lengths; no long cell is ever converted."""
    long = "x" * 5_000
    table = pa.table({"id": [f"r{n}" for n in range(41)], "text": [long] * 40 + ["A short story."],
                      "notes": ["n"] * 41})
    converted: list[int] = []
    real = parquet_reader.column_values

    def spy(column):
        values = real(column)
        converted.extend(len(value) for value in values if isinstance(value, str))
        return values

    monkeypatch.setattr(parquet_reader, "column_values", spy)
    data = parquet_bytes(table, compression="zstd", use_dictionary=dictionary)
    records = [r for r, _ in read_records(io.BytesIO(data), "big.parquet", "parquet", ReadOptions(max_doc_bytes=1_000))]
    assert outcomes(records) == ["too_large"] * 40 + ["clean"]
    first = records[0]
    assert isinstance(first, Rejection) and first.line == 1 and "5,003 bytes" in first.detail   # the id, text and notes cells
    assert records[-1].id == "r40"
    assert max(converted) < 1_000


def test_a_long_metadata_cell_counts_towards_the_limit_as_in_a_jsonl_line():
    table = pa.table({"id": ["a", "b"], "text": ["Short.", "Short."], "notes": ["n" * 2_000, "n"]})
    records = [r for r, _ in read_records(io.BytesIO(parquet_bytes(table)), "f.parquet", "parquet",
                                          ReadOptions(max_doc_bytes=1_000))]
    assert outcomes(records) == ["too_large", "clean"]


def test_batches_follow_the_row_groups_sizes_from_the_metadata():
    budget = parquet_reader.BATCH_BYTES
    assert parquet_reader.batch_rows(40, 40 * 50_000_000, budget) == 1
    assert parquet_reader.batch_rows(1_000, 1_000 * 3_000, budget) == parquet_reader.BATCH_ROWS
    assert parquet_reader.batch_rows(100, 100 * 1_000_000, budget) == 33   # 32 MB of 1 MB rows


def test_a_row_group_whose_rows_average_over_the_limit_is_rejected_from_the_metadata_never_decompressed(monkeypatch):
    """pyarrow decompresses a page whole, and forty long values are one page: such a row group is not read at all
    (a batch budget of 10 kB here stands for the 32 MB one); the next row group is read as usual."""
    monkeypatch.setattr(parquet_reader, "BATCH_BYTES", 10_000)
    converted: list[int] = []
    real = parquet_reader.column_values

    def spy(column):
        converted.append(len(column))
        return real(column)

    monkeypatch.setattr(parquet_reader, "column_values", spy)
    out = io.BytesIO()
    schema = pa.schema([("id", pa.string()), ("text", pa.string())])
    with pq.ParquetWriter(out, schema, compression="zstd", use_dictionary=False) as writer:
        writer.write_table(pa.table({"id": [f"r{n}" for n in range(40)], "text": ["x" * 5_000] * 40}, schema=schema))
        writer.write_table(pa.table({"id": ["r40"], "text": ["A short story."]}, schema=schema))
    records = [r for r, _ in read_records(io.BytesIO(out.getvalue()), "big.parquet", "parquet",
                                          ReadOptions(max_doc_bytes=1_000))]
    assert outcomes(records) == ["too_large"] * 40 + ["clean"]
    assert [r.line for r in records] == list(range(1, 42))
    first = records[0]
    assert isinstance(first, Rejection) and "row group holds" in first.detail
    assert converted == [1, 1]   # the second row group's id and text columns only


def test_one_cell_that_is_no_python_value_rejects_its_row_only(tmp_path):
    """A timestamp beyond year 9999 at row 300 of 600: that row is rejected bad_field, the other 599 are read."""
    published = [n * 1_000_000 for n in range(600)]
    published[299] = 300_000_000_000_000_000   # about the year 11,476: no datetime
    table = pa.table({"id": [f"r{n}" for n in range(600)],
                      "text": [f"Story {n}.\n\nThe council met on day {n} and voted." for n in range(600)],
                      "published": pa.array(published, pa.timestamp("us"))}, schema=SCHEMA)
    (tmp_path / "in.parquet").write_bytes(parquet_bytes(table))
    out = tmp_path / "out"
    ran = run_cli("run", "--input", str(tmp_path / "in.parquet"), "--output", str(out), *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    rejected, = read_output(out, "rejected")
    assert (rejected["id"], rejected["line"], rejected["reason"]) == ("r299", 300, "bad_field")
    assert "column 'published'" in rejected["detail"]
    assert len(read_output(out, "clean")) == 599
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == {"read": 600, "clean": 599, "rejected": 1, "duplicates": 0}


def strict_json(line: str):
    def refuse(token):
        raise ValueError(f"{token} is not JSON")
    return json.loads(line, parse_constant=refuse)


# The detected language's confidence in "Story one. The council met." and in "Story three. The council met again."
A_SCORE, C_SCORE = 0.9302, 0.9839


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_floats_that_are_not_finite_are_written_as_strings_and_every_output_is_json(tmp_path, output_format):
    table = pa.table({"id": ["a", "b"], "text": ["Story one.\n\nThe council met.", ""],
                      "score": [math.nan, math.inf], "range": [[-math.inf, 1.5], None]})
    (tmp_path / "in.parquet").write_bytes(parquet_bytes(table))
    jsonl = tmp_path / "wire.jsonl"
    jsonl.write_text('{"id": "c", "text": "Story three.\\n\\nThe council met again.", "score": NaN, "big": 1e999, '
                     '"low": -Infinity}\n')
    out = tmp_path / "out"
    ran = run_cli("run", "--input", str(tmp_path / "*"), "--output", str(out), "--output_format", output_format,
                  *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    if output_format == "jsonl":
        for shard in out.glob("*.jsonl"):
            for line in shard.read_text().splitlines():
                strict_json(line)
        clean = {r["id"]: r["metadata"] for r in read_output(out, "clean")}
        rejected = {r["id"]: r["metadata"] for r in read_output(out, "rejected")}
        assert clean == {"a": {"score": "NaN", "range": ["-Infinity", 1.5], "language": "en", "language_score": A_SCORE},
                         "c": {"score": "NaN", "big": "Infinity", "low": "-Infinity", "language": "en",
                               "language_score": C_SCORE}}
        assert rejected == {"b": {"score": "Infinity", "range": None}}
    else:
        rows = {r["id"]: dict(r["metadata"]) for shard in out.glob("clean-*.parquet") for r in pq.read_table(shard).to_pylist()}
        assert rows["a"] == {"score": "NaN", "range": '["-Infinity", 1.5]', "language": "en",
                             "language_score": str(A_SCORE)}
        assert rows["c"]["big"] == "Infinity"
