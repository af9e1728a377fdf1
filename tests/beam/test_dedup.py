"""Duplicates end to end on fixtures/dedup/: the answers in its README, reconciliation, and the same result on
the in-process and the portable runner."""

import json

import jsonschema
import pytest

from tests.conftest import FIXTURES, IN_PROCESS, PORTABLE_SUBPROCESS_WORKERS, REPO, read_output, run_cli, run_cli_process

DEDUP = FIXTURES / "dedup" / "articles.jsonl"
EXACT_ANSWERS = {"bridge-headline-changed": "bridge", "library-spacing-and-quotes": "library"}
NEAR_ANSWERS = {**EXACT_ANSWERS, "bridge-paragraph-added": "bridge", "library-paragraph-added": "library",
                "storm-updated": "storm"}


def run(output, *options, runner=run_cli, engine=IN_PROCESS):
    done = runner("run", "--input", str(DEDUP), "--output", str(output), *options, *engine)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((output / "summary.json").read_text())


def answers(output):
    return {record["id"]: record["duplicate_of"] for record in read_output(output, "duplicates")}


def test_exact_finds_copies_that_differ_in_headline_quotes_and_spacing(tmp_path):
    summary = run(tmp_path, "--dedup", "exact")
    assert answers(tmp_path) == EXACT_ANSWERS
    assert {r["similarity"] for r in read_output(tmp_path, "duplicates")} == {1.0}
    assert summary["documents"] == {"read": 10, "clean": 8, "rejected": 0, "duplicates": 2}
    assert summary["duplicates_by_match"] == {"exact": 2, "near": 0}
    assert summary["files"]["not_reconciled"] == []


def test_near_finds_every_planted_copy_and_no_unrelated_pair(tmp_path):
    summary = run(tmp_path, "--dedup", "near")
    assert answers(tmp_path) == NEAR_ANSWERS
    clean_ids = {record["id"] for record in read_output(tmp_path, "clean")}
    assert clean_ids == {"bridge", "library", "storm", "storm-other", "school"}
    assert summary["documents"] == {"read": 10, "clean": 5, "rejected": 0, "duplicates": 5}
    assert summary["duplicates_by_match"] == {"exact": 2, "near": 3}
    schema = json.loads((REPO / "docs" / "schema" / "duplicates.schema.json").read_text())
    for record in read_output(tmp_path, "duplicates"):
        jsonschema.validate(record, schema)
        assert 0.7 <= record["similarity"] <= 1.0
        assert record["text"]  # the duplicate itself is written, not only its id


def test_a_duplicate_keeps_its_file_tally(tmp_path):
    run(tmp_path, "--dedup", "near")
    (tally,) = read_output(tmp_path, "files")
    assert tally == {"input_file": str(DEDUP), "read": 10, "clean": 5, "rejected": 0, "duplicates": 5}


def test_off_keeps_every_article(tmp_path):
    summary = run(tmp_path, "--dedup", "off")
    assert summary["documents"] == {"read": 10, "clean": 10, "rejected": 0, "duplicates": 0}
    assert read_output(tmp_path, "duplicates") == []


def test_a_high_threshold_keeps_the_edited_copies(tmp_path):
    run(tmp_path, "--dedup", "near", "--dedup_threshold", "0.95")
    assert answers(tmp_path) == EXACT_ANSWERS


@pytest.mark.portable
def test_near_gives_the_same_records_on_the_portable_runner(tmp_path):
    run(tmp_path / "in_process", "--dedup", "near")
    run(tmp_path / "portable", "--dedup", "near", runner=run_cli_process, engine=PORTABLE_SUBPROCESS_WORKERS)
    for kind in ("clean", "duplicates", "files"):
        assert read_output(tmp_path / "portable", kind) == read_output(tmp_path / "in_process", kind), kind
