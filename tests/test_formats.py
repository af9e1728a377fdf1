"""Output formats (JSONL, JSONL.gz, JSONL.zst, Parquet) and input formats (Parquet, WARC), end to end."""

import gzip
import json
import sys
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest

from pipeline.beam.outputs import read_output
from pipeline.commands.report.runs import located
from tests.conftest import FIXTURES, IN_PROCESS, REPO, run_cli

ARTICLES = FIXTURES / "formats" / "articles.jsonl"
SCHEMAS = {kind: json.loads((REPO / "docs" / "schema" / f"{kind}.schema.json").read_text())
           for kind in ("clean", "rejected", "duplicates", "files", "removed")}
sys.path.insert(0, str(FIXTURES / "formats"))
import make_fixtures  # noqa: E402


def in_order(records):
    return sorted(records, key=lambda r: (r["input_file"], r.get("line") or 0, r.get("id") or ""))


def run(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    ran = run_cli("run", "--output", str(out), *args, *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    make_fixtures.main(str(folder))
    return folder


def test_jsonl_gz_zst_and_parquet_outputs_hold_the_same_records_as_plain_jsonl_with_every_input_field(tmp_path):
    plain = run(tmp_path, "plain", "--input", str(ARTICLES), "--ledger")
    gz = run(tmp_path, "gz", "--input", str(ARTICLES), "--compression", "gzip", "--ledger")
    zst = run(tmp_path, "zst", "--input", str(ARTICLES), "--compression", "zstd", "--ledger")
    parquet = run(tmp_path, "parquet", "--input", str(ARTICLES), "--output_format", "parquet", "--compression", "zstd",
                  "--ledger")
    for kind in ("clean", "rejected", "duplicates", "files", "removed"):
        expected = in_order(json.loads(line) for shard in plain.glob(f"{kind}-*.jsonl") for line in shard.open())
        from_gzip = in_order(json.loads(line) for shard in gz.glob(f"{kind}-*.jsonl.gz")
                             for line in gzip.decompress(shard.read_bytes()).decode().splitlines())
        from_parquet = [row for shard in parquet.glob(f"{kind}-*.parquet") for row in pq.read_table(shard).to_pylist()]
        for row in from_parquet:
            if "metadata" in row:
                row["metadata"] = dict(row["metadata"])
                # Parquet's metadata is a map of strings: a number (the language's score) as its JSON text.
                if "language_score" in row["metadata"]:
                    row["metadata"]["language_score"] = json.loads(row["metadata"]["language_score"])
        assert from_gzip == expected
        assert in_order(from_parquet) == expected
        assert in_order(read_output(str(zst), kind)) == expected
        for record in expected:
            jsonschema.validate(record, SCHEMAS[kind])
    clean = {r["id"]: r for r in read_output(str(plain), "clean")}
    inputs = {r["id"]: r for r in map(json.loads, ARTICLES.open())}
    assert set(clean) == {"rss-001", "rss-002", "rss-003"}
    scores = {"rss-001": 0.9987, "rss-002": 0.9998, "rss-003": 0.9978}
    for article_id, record in clean.items():
        assert record["metadata"] == {**{key: inputs[article_id][key] for key in ("source", "date", "orig_file")},
                                      "language": "en", "language_score": scores[article_id]}
    rejected, = read_output(str(plain), "rejected")
    assert (rejected["id"], rejected["reason"], rejected["metadata"]["source"]) == \
        ("rss-004", "empty_after_cleaning", "Northern Post")
    # The ledger has the rejected document whole, besides the removals from the clean ones.
    whole, = [located(entry, removal) for entry in read_output(str(plain), "removed") for removal in entry["removals"]
              if removal["step"] == "rejected"]
    assert (whole["id"], whole["cause"], whole["start"], whole["end"]) == \
        ("rss-004", "empty_after_cleaning", 0, len(inputs["rss-004"]["text"]))
    summary = json.loads((parquet / "summary.json").read_text())
    assert summary["files"] == {"read": 1, "not_reconciled": []}   # read back from Parquet


def test_num_shards_sets_the_number_of_files_per_output(tmp_path):
    out = run(tmp_path, "sharded", "--input", str(ARTICLES), "--num_shards", "2", "--output_format", "parquet")
    assert sorted(p.name for p in out.glob("clean-*")) == ["clean-00000-of-00002.parquet", "clean-00001-of-00002.parquet"]


def test_parquet_input_columns_become_fields_and_metadata_with_rejections_and_reconciliation(tmp_path, built):
    out = run(tmp_path, "out", "--input", str(built / "*.parquet"), "--input_format", "parquet")
    clean = {r["id"]: r for r in read_output(str(out), "clean")}
    assert set(clean) == {"rss-001", "rss-002", "rss-003"}
    assert clean["rss-001"]["metadata"] == {"date": "Mon, 25 May 2026 06:54:29 -0400", "source": "Valley Courier",
                                            "orig_file": "feeds/valley.xml", "words": None,
                                            "language": "en", "language_score": 0.9987}
    assert clean["rss-002"]["line"] == 2 and "ADVERTISEMENT" not in clean["rss-002"]["text"]
    reasons = {r["id"]: r["reason"] for r in read_output(str(out), "rejected")}
    assert reasons == {"rss-004": "empty_after_cleaning", "pq-no-text": "missing_text"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == {"read": 5, "clean": 3, "rejected": 2, "duplicates": 0}
    assert summary["files"] == {"read": 1, "not_reconciled": []}


def test_warc_html_responses_are_pages_and_every_other_record_is_rejected_not_html(tmp_path, built):
    out = run(tmp_path, "out", "--input", str(built / "pages.warc.gz"))   # auto: by extension
    clean = {r["url"]: r for r in read_output(str(out), "clean")}
    assert set(clean) == set(make_fixtures.PAGE_URLS.values())
    bridge = clean[make_fixtures.PAGE_URLS["bridge.html"]]
    assert bridge["id"] == make_fixtures.warc_headers(bridge["url"], "response")["WARC-Record-ID"]
    assert bridge["title"] == "Council approves new bridge"
    assert bridge["metadata"]["warc_date"] == make_fixtures.WARC_DATE
    assert bridge["metadata"]["content_type"] == "text/html; charset=utf-8"
    rejected = read_output(str(out), "rejected")
    assert sorted(r["detail"].split(",")[0] for r in rejected) == [
        "a request record", "a request record", "a response record of image/png", "a warcinfo record of application/warc-fields"]
    assert {r["reason"] for r in rejected} == {"not_html"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == {"read": 6, "clean": 2, "rejected": 4, "duplicates": 0}
    assert summary["files"] == {"read": 1, "not_reconciled": []}
