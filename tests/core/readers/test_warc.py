"""WARC framing and ids (pipeline/core/readers/warc.py), with hostile archives built here: records without an id,
cut ``.warc.gz`` files, records cut in half, Content-Lengths that are too long or too short."""

import gzip
import io
import json
import re

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.core.readers import read_records
from pipeline.core.readers.base import ReadOptions
from pipeline.core.readers.compression import open_decompressed
from tests.conftest import IN_PROCESS, read_output, run_cli

BODY = ("<html><head><title>Council approves the new bridge</title></head><body><article><h1>Council approves the "
        "new bridge</h1>" + "".join(f"<p>Paragraph {n} of the story: the council voted on the bridge over the river "
                                    f"on Monday evening, and work starts in spring, said the mayor.</p>" for n in range(6))
        + "</article></body></html>")


def response(url: str, body: str = BODY, record_id: bool = True) -> bytes:
    """One uncompressed WARC response record of an HTML page, as warcio writes it; without its
    ``WARC-Record-ID`` line when ``record_id`` is false."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    payload = body.encode()
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                       ("Content-Length", str(len(payload)))], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http))
    record = out.getvalue()
    return record if record_id else re.sub(rb"WARC-Record-ID: [^\r]*\r\n", b"", record)


def resource(number: int) -> bytes:
    """A small text/plain resource record: rejected not_html, read without running the page extraction."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    writer.write_record(writer.create_warc_record(f"https://example.org/{number}.txt", "resource",
                                                  payload=io.BytesIO(b"note %d\n" % number * 40),
                                                  warc_content_type="text/plain"))
    return out.getvalue()


def read(data: bytes, name: str = "crawl.warc") -> list:
    """The records of an archive's bytes, opened as the job opens them (``.gz`` by its suffix, strictly)."""
    return [record for record, _ in read_records(open_decompressed(io.BytesIO(data), name), name, "warc",
                                                 ReadOptions(html_mode="full"))]


def outcomes(records: list) -> list[str]:
    return [getattr(record, "reason", "clean") for record in records]


def test_a_response_without_a_record_id_is_named_by_file_and_offset_never_empty():
    first = response("https://example.org/a")
    records = read(first + response("https://example.org/b", record_id=False))
    assert [record.id for record in records] == [records[0].id, f"crawl.warc@{len(first)}"]
    assert records[0].id.startswith("<urn:uuid:")


@pytest.mark.parametrize("mode", ["exact", "near"])
def test_dedup_keeps_one_of_an_id_less_warc_page_and_the_same_text_elsewhere(tmp_path, mode):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "crawl.warc").write_bytes(response("https://example.org/b", record_id=False))
    # The same story as a JSONL record with an id: the keeper compares the two ids.
    text = "Council approves the new bridge\n\n" + "\n\n".join(
        f"Paragraph {n} of the story: the council voted on the bridge over the river on Monday evening, and work "
        f"starts in spring, said the mayor." for n in range(6))
    (folder / "wire.jsonl").write_text(json.dumps({"id": "wire-1", "text": text}) + "\n")
    out = tmp_path / "out"
    ran = run_cli("run", "--input", str(folder / "*"), "--output", str(out), "--html_mode", "full", "--dedup", mode,
                  *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    assert [r["id"] for r in read_output(out, "duplicates")] == ["wire-1"]
    assert [r["id"] for r in read_output(out, "clean")] == ["crawl.warc@0"]


def test_a_cut_warc_gz_keeps_every_record_before_the_cut_and_rejects_the_cut_one():
    records = [gzip.compress(resource(n)) for n in range(300)]
    whole = b"".join(records)
    cut = whole[: len(whole) - len(records[-1]) // 2]   # half-way through the last record's gzip member
    read_back = read(cut, "crawl.warc.gz")
    assert outcomes(read_back) == ["not_html"] * 299 + ["truncated"]
    assert "Compressed file ended" in read_back[-1].detail


def test_a_four_record_warc_gz_cut_in_its_last_record_is_three_records_and_one_rejection(tmp_path):
    members = [gzip.compress(record) for record in
               (resource(0), response("https://example.org/a"), response("https://example.org/b"), response("https://example.org/c"))]
    whole = b"".join(members)
    (tmp_path / "crawl.warc.gz").write_bytes(whole[: len(whole) - len(members[-1]) // 3])
    out = tmp_path / "out"
    ran = run_cli("run", "--input", str(tmp_path / "crawl.warc.gz"), "--output", str(out), "--html_mode", "full", *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    assert len(read_output(out, "clean")) == 2
    assert sorted(r["reason"] for r in read_output(out, "rejected")) == ["not_html", "truncated"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == {"read": 4, "clean": 2, "rejected": 2, "duplicates": 0}
    assert summary["files"] == {"read": 1, "not_reconciled": []}


def test_a_record_cut_in_half_is_rejected_not_shipped_as_half_an_article():
    half = response("https://example.org/a")[:1200]
    records = read(half + response("https://example.org/b"))
    assert outcomes(records) == ["bad_framing", "clean"]
    assert records[1].url == "https://example.org/b" and records[1].text.endswith("said the mayor.")
    # The last record of the file cut in half: the file ends before its Content-Length does.
    assert outcomes(read(response("https://example.org/a") + half)) == ["clean", "truncated"]


@pytest.mark.parametrize("change", [+100, -100])
def test_a_wrong_content_length_is_that_records_rejection_and_the_next_record_is_read(change):
    def wrong(record: bytes) -> bytes:
        head, _, rest = record.partition(b"\r\n\r\n")
        declared = re.search(rb"Content-Length: (\d+)", head)
        assert declared
        length = int(declared.group(1))
        return head.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length + change)) + b"\r\n\r\n" + rest

    records = read(resource(0) + wrong(response("https://example.org/a")) + response("https://example.org/b")
                   + resource(1))
    assert outcomes(records) == ["not_html", "bad_framing", "clean", "not_html"]
    assert "Content-Length" in records[1].detail
    assert records[2].url == "https://example.org/b"


def test_a_content_length_over_the_limit_does_not_swallow_the_rest_of_the_file():
    huge = re.sub(rb"Content-Length: \d+", b"Content-Length: 99999999999", response("https://example.org/a"), count=1)
    records = read(huge + response("https://example.org/b"))
    assert outcomes(records) == ["too_large", "clean"]


def test_bytes_that_are_no_warc_record_are_one_rejection_and_the_records_after_them_are_read():
    records = read(b"garbage\r\n" * 50 + response("https://example.org/b"))
    assert outcomes(records) == ["bad_framing", "clean"]
    assert "no WARC record starts at byte 0" in records[0].detail

