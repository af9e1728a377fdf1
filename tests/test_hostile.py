"""The hostile-input corpus through the command line: nothing crashes the job, nothing is lost."""

import json
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from tests.conftest import FIXTURES, IN_PROCESS, read_output, run_cli

HOSTILE = FIXTURES / "hostile"

# Every input record and where it must end up: "clean", or the rejection reason.
EXPECTED = {
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
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("hostile")
    for path in HOSTILE.iterdir():
        if path.is_file() and path.suffix != ".py":
            shutil.copy(path, inputs)
    subprocess.run([sys.executable, str(HOSTILE / "generate.py"), str(inputs)], check=True)
    output = tmp_path_factory.mktemp("out")
    done = run_cli("run", "--input", str(inputs / "*"), "--output", str(output), "--rules", str(HOSTILE / "rules"),
                   "--time_budget", "0.5", *IN_PROCESS)
    return done, output


def where(record: dict) -> tuple[str, int | None]:
    return record["source"].rsplit("/", 1)[1], record.get("line")


def test_the_job_succeeds_and_every_record_lands_in_exactly_one_place(hostile_run):
    done, output = hostile_run
    assert done.returncode == 0, done.stderr
    clean, rejected = read_output(output, "clean"), read_output(output, "rejected")
    outcomes = [(where(r), "clean") for r in clean] + [(where(r), r["reason"]) for r in rejected]
    truncated = [o for o in outcomes if o[0][0] == "truncated.jsonl.gz"]
    checked = [o for o in outcomes if o[0][0] != "truncated.jsonl.gz"]
    assert Counter(place for place, _ in checked) == Counter(EXPECTED.keys())   # each record exactly once
    assert dict(checked) == EXPECTED
    # The cut archive keeps the complete lines before the cut and rejects the rest once.
    assert Counter(outcome for _, outcome in truncated) == {"clean": len(truncated) - 1, "unreadable": 1}


def test_the_summary_reconciles_overall_and_per_file(hostile_run):
    done, output = hostile_run
    summary = json.loads((output / "summary.json").read_text())
    documents = summary["documents"]
    assert documents["read"] == documents["clean"] + documents["rejected"]
    assert summary["files"] == {"read": 16, "not_reconciled": []}
    tallies = {where({"source": t["source"]})[0]: t for shard in output.glob("files-*.jsonl")
               for t in map(json.loads, shard.read_text().splitlines())}
    assert tallies["hostile.jsonl"] == {"source": tallies["hostile.jsonl"]["source"], "read": 14, "clean": 4,
                                        "rejected": 10}
    assert summary["rejected_by_reason"] == {
        "bad_field": 3, "binary": 1, "empty_after_cleaning": 1, "empty_text": 4, "invalid_json": 4,
        "missing_text": 2, "not_an_object": 1, "time_budget": 1, "too_large": 2, "unreadable": 1,
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
