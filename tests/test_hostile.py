"""The hostile-input corpus through the command line: nothing crashes the job, nothing is lost."""

import json
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from tests.conftest import FIXTURES, IN_PROCESS, line_number, read_output, run_cli

HOSTILE = FIXTURES / "hostile"

# Every input record and where it must end up: "clean", or the rejection reason.
EXPECTED: dict[tuple[str, int | None], str] = {
    ("cp1252.txt", None): "clean",
    ("latin1.txt", None): "clean",
    ("utf16-bom.txt", None): "clean",
    ("invalid-utf8.txt", None): "clean",
    ("zero-width-in-text.txt", None): "clean",
    ("long-single-line.txt", None): "clean",
    ("empty.txt", None): "empty_text",
    ("whitespace-only.txt", None): "empty_text",
    ("control-flood.txt", None): "empty_text",
    ("script-only.html", None): "empty_text",
    ("binary-junk.txt", None): "binary",
    ("huge-single-line.txt", None): "too_large",
    ("backtracking.txt", None): "time_budget",
    ("hostile.jsonl", 1): "clean",
    ("hostile.jsonl", 2): "invalid_json",
    ("hostile.jsonl", 3): "invalid_json",
    ("hostile.jsonl", 4): "missing_text",
    ("hostile.jsonl", 5): "missing_text",
    ("hostile.jsonl", 6): "bad_field",
    ("hostile.jsonl", 7): "bad_field",
    ("hostile.jsonl", 8): "not_an_object",
    ("hostile.jsonl", 9): "clean",
    ("hostile.jsonl", 10): "clean",
    ("hostile.jsonl", 12): "bad_field",
    ("hostile.jsonl", 13): "empty_after_cleaning",
    ("hostile.jsonl", 14): "clean",
    ("hostile.jsonl", 15): "invalid_json",
    ("deep-and-long.jsonl", 1): "invalid_json",
    ("deep-and-long.jsonl", 2): "too_large",
    ("deep-and-long.jsonl", 3): "clean",
    # Issue 18.
    ("round2.jsonl", 1): "clean",
    ("round2.jsonl", 2): "invalid_json",          # an integer of 5,000 digits: that line only
    ("round2.jsonl", 3): "clean",
    ("round2.jsonl", 4): "clean",                 # lone surrogates in every field
    ("round2.jsonl", 5): "empty_after_cleaning",  # a lone surrogate in raw_start
    ("round2.jsonl", 6): "clean",                 # U+2028 in the id
    ("round2.jsonl", 7): "clean",                 # U+0085 in the id
    ("round2.jsonl", 8): "time_budget",           # the URL makes a scope pattern backtrack
    ("combining-marks.txt", None): "clean",
    ("hover-budget.txt", None): "time_budget",
    ("newlines.jsonl.gz", 1): "too_large",
    ("caf\u00e9.txt", None): "clean",
    ("name\u0085with-nel.txt", None): "clean",
    ("pipe.jsonl", None): "not_a_file",
    ("zero.jsonl", None): "not_a_file",
    **{(f"whole-{name}.jsonl.{name}", line): "clean" for name in ("bz2", "zst", "zstd", "lzma", "xz", "deflate")
       for line in range(1, 101)},
}
CUT = ("truncated.jsonl.gz", *(f"cut-{name}.jsonl.{name}" for name in ("bz2", "zst", "zstd", "lzma", "xz", "deflate")))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("hostile")
    for path in HOSTILE.iterdir():
        if path.is_file() and path.suffix != ".py":
            shutil.copy(path, inputs)
    subprocess.run([sys.executable, str(HOSTILE / "generate.py"), str(inputs)], check=True)
    output = tmp_path_factory.mktemp("out")
    done = run_cli("run", "--input", str(inputs / "*"), "--output", str(output), "--rules", str(HOSTILE / "rules"),
                   "--time_budget", "2",   # generous: a loaded CI machine must not run the good ones out of it
                   # The corpus holds the same lines in every compression; this test is about reading them.
                   "--dedup", "off", *IN_PROCESS)
    return done, output


def where(record: dict) -> tuple[str, int | None]:
    return record["input_file"].rsplit("/", 1)[1], line_number(record)


def test_the_job_succeeds_and_every_record_lands_in_exactly_one_place(hostile_run):
    done, output = hostile_run
    assert done.returncode == 0, done.stderr
    clean, rejected = read_output(output, "clean"), read_output(output, "rejected")
    outcomes = [(where(r), "clean") for r in clean] + [(where(r), r["reason"]) for r in rejected]
    checked = [o for o in outcomes if o[0][0] not in CUT]
    assert Counter(place for place, _ in checked) == Counter(EXPECTED.keys())   # each record exactly once
    assert dict(checked) == EXPECTED
    # A cut archive, whatever its compression, keeps the complete lines before the cut and rejects the rest once.
    for name in CUT:
        truncated = Counter(outcome for (file, _), outcome in outcomes if file == name)
        assert truncated["clean"] > 0 and truncated == {"clean": truncated["clean"], "unreadable": 1}, name


def test_the_summary_reconciles_overall_and_per_file(hostile_run):
    _done, output = hostile_run
    summary = json.loads((output / "summary.json").read_text())
    documents = summary["documents"]
    assert documents["read"] == documents["clean"] + documents["rejected"] + documents["duplicates"]
    assert summary["files"] == {"read": 36, "not_reconciled": []}
    tallies = {where({"input_file": t["input_file"]})[0]: t for t in read_output(output, "files")}
    assert tallies["hostile.jsonl"] == {"input_file": tallies["hostile.jsonl"]["input_file"], "read": 14, "clean": 4,
                                        "rejected": 10, "duplicates": 0}
    assert summary["rejected_by_reason"] == {
        "bad_field": 3, "binary": 1, "empty_after_cleaning": 2, "empty_text": 4, "invalid_json": 5,
        "missing_text": 2, "not_a_file": 2, "not_an_object": 1, "time_budget": 3, "too_large": 3, "unreadable": 7,
    }
    assert summary["duplicate_ids"] == 1


def test_rejections_say_what_to_do(hostile_run):
    _, output = hostile_run
    details = {where(r): r["detail"] for r in read_output(output, "rejected")}
    assert "UTF-16 without a byte-order mark" in details[("binary-junk.txt", None)]
    assert "--max_doc_bytes (10,000,000 bytes)" in details[("huge-single-line.txt", None)]
    assert "rule 'user-backtracker'" in details[("backtracking.txt", None)]
    assert "--time_budget" in details[("backtracking.txt", None)]
    assert details[("hostile.jsonl", 4)].startswith("no 'text' field (set --text_field")


def test_the_good_records_among_the_bad_come_out_clean(hostile_run):
    _, output = hostile_run
    clean = {where(r): r for r in read_output(output, "clean")}
    assert (clean[("cp1252.txt", None)]["title"], clean[("cp1252.txt", None)]["text"]) == \
        ("Minister’s plan", "The minister’s “plan” costs €5 — a first – for the town.")
    assert clean[("latin1.txt", None)]["text"] == "The café by the cañón reopened on Saturday."
    assert clean[("utf16-bom.txt", None)]["text"] == "The storm cut power in Kyiv’s east."
    assert clean[("zero-width-in-text.txt", None)]["text"] == "The bridge reopened on Monday after repairs."
    assert clean[("hostile.jsonl", 14)]["text"] == "The fee’s rise is “modest”."
    assert [clean[("hostile.jsonl", n)]["id"] for n in (9, 10)] == ["dup", "dup"]
    assert clean[("deep-and-long.jsonl", 3)]["text"] == "The line after the long one."
    assert len(clean[("long-single-line.txt", None)]["text"]) > 2_000_000
    assert clean[("round2.jsonl", 4)]["id"] == "id-\ufffd"
    assert clean[("round2.jsonl", 4)]["stats"]["surrogates_replaced"] == 5   # id, url, title, text twice
    assert clean[("round2.jsonl", 6)]["id"] == "ls-\u2028-id"
    assert clean[("caf\u00e9.txt", None)]["id"] == "caf\u00e9"
    assert clean[("combining-marks.txt", None)]["stats"]["combining_marks_dropped"] == 200_000 - 30


def test_outputs_are_strict_utf8_json_lines(hostile_run):
    _, output = hostile_run
    for shard in output.glob("*.jsonl"):
        for line in shard.read_bytes().decode("utf-8").split("\n"):   # strict: no lone surrogate, no bad byte
            if line:
                json.dumps(json.loads(line), ensure_ascii=False).encode("utf-8")
