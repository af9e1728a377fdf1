"""Hostile input, round 3 (issue 25), cases 3, 10 and 12: what the input or the options hold can never reach
a place it was not written for (a draft rule file's keys, a job's middle, a silent default)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.beam.rule_files import load_rules
from pipeline.beam.site_repeat import site_text_keys
from pipeline.core.dedup import MAX_THRESHOLD, NUM_PERM
from pipeline.core.mine.draft import comment_text
from pipeline.core.mine.tally import mined_document
from pipeline.core.records import CleanArticle
from tests.conftest import FIXTURES, IN_PROCESS, RULE_TOML, read_output, run_cli

SITES = FIXTURES / "mine" / "sites.jsonl"
# A group name that, written raw after '#', ends the comment and adds a rule emptying every page.
INJECTED = 'Example News\n[[rules]]\nname = "evil"\ndescription = "x"\npattern = \'(?s).+\'\nkeep = ["y"]\n'


def test_mine_writes_a_hostile_group_name_only_escaped(tmp_path: Path):
    """Case 3: the --by field's value, newline and all, stays inside the draft's header comment."""
    records = [json.loads(line) for line in SITES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records:
        if record.get("source") == "Example News":
            record["source"] = INJECTED
    data = tmp_path / "sites.jsonl"
    data.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    out = tmp_path / "drafts"
    result = run_cli("mine", "--input", str(data), "--output", str(out), "--by", "source", *IN_PROCESS)
    assert result.returncode == 0, result.stderr
    (draft,) = out.glob("*.toml")
    text = draft.read_text(encoding="utf-8")
    assert [rule.name for rule in load_rules([str(draft)])] == [f"mine-{draft.stem}-01", f"mine-{draft.stem}-02",
                                                                f"mine-{draft.stem}-03"]
    header = text.split("\n", 1)[0]
    assert header.startswith("# Draft rules for Example News\\n[[rules]]\\nname = \"evil\"\\n")
    assert 'name = "evil"' not in text.replace(header, "")
    assert run_cli("rules", "test", str(out)).returncode == 0
    # The review page names the group on its first line too, escaped: the value cannot add a heading of its own.
    (report,) = out.glob("*.report.md")
    lines = report.read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith("# Example News\\n[[rules]]\\nname = \"evil\"\\n")
    assert not any(line.startswith(("[[rules]]", "name = ")) for line in lines)


DEDUP = FIXTURES / "dedup" / "articles.jsonl"


@pytest.mark.parametrize("threshold", ["0.99", "1", "0.981"])
def test_a_dedup_threshold_the_lsh_cannot_honour_is_refused_before_data_is_read(tmp_path: Path, threshold: str):
    """Case 10: above MAX_THRESHOLD datasketch has no split into bands; the job used to die in its first worker."""
    out = tmp_path / "out"
    result = run_cli("run", "--input", str(DEDUP), "--output", str(out), "--dedup", "near",
                     "--dedup_threshold", threshold, *IN_PROCESS)
    assert result.returncode == 2
    assert (f"argument --dedup_threshold: must be greater than 0 and at most {MAX_THRESHOLD} (MinHash LSH with "
            f"{NUM_PERM} permutations has no bands above it), got {threshold}") in result.stderr
    assert not out.exists()


def test_the_highest_dedup_threshold_allowed_runs_and_is_the_lsh_limit(tmp_path: Path):
    result = run_cli("run", "--input", str(DEDUP), "--output", str(tmp_path), "--dedup", "near",
                     "--dedup_threshold", str(MAX_THRESHOLD), *IN_PROCESS)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not list(tmp_path.glob("beam-temp-*"))
    from datasketch import MinHashLSH
    with pytest.raises(ValueError, match="bands are too small"):
        MinHashLSH(threshold=MAX_THRESHOLD + 0.001, num_perm=NUM_PERM)


@pytest.mark.parametrize("mode", ["exact", "near"])
def test_texts_without_words_are_not_duplicates_of_one_another(tmp_path: Path, mode: str):
    """Case 12: emoji or punctuation only folds to no words, which is no evidence of a copy."""
    texts = ["\U0001f389\U0001f389 \U0001f525\U0001f525 \U0001f44f\n\n\U0001f389 \U0001f389", "!!! ??? \u2026 \u2014 ***\n\n!!!",
             "\U0001f30d\U0001f30d \u2728\u2728\u2728 \U0001f4ab\n\n\U0001f4ab\U0001f4ab"]
    data = tmp_path / "reactions.jsonl"
    data.write_text("".join(json.dumps({"id": f"r{i}", "title": "Reactions", "text": text}) + "\n"
                            for i, text in enumerate(texts)), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("run", "--input", str(data), "--output", str(out), "--dedup", mode, *IN_PROCESS)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(record["id"] for record in read_output(out, "clean")) == ["r0", "r1", "r2"]
    assert read_output(out, "duplicates") == []


@pytest.mark.parametrize("pattern", ["ADVERTISEMENT\\n\\n|Z*", "ADVERTISEMENT\\n\\n|(?<=One)"])
def test_a_rule_that_can_match_the_empty_string_is_refused_at_load(tmp_path: Path, pattern: str):
    """Case 12: its examples pass, but each empty match would count as a hit and a ledger removal."""
    rules = tmp_path / "ads.toml"
    rules.write_text(RULE_TOML.replace("pattern = '^ADVERTISEMENT$'", f"pattern = '''{pattern}'''"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("run", "--input", str(DEDUP), "--output", str(out), "--rules", str(rules), *IN_PROCESS)
    assert result.returncode == 2
    assert (f"{rules}: rule 'ad-line': pattern can match the empty string; make it require at least one "
            "character") in result.stderr
    assert not out.exists()


def test_report_that_cannot_write_its_page_exits_2_with_one_line(tmp_path: Path):
    """Case 12: a write error ended in a traceback, exit 1."""
    run_dir = tmp_path / "run"
    done = run_cli("run", "--input", str(FIXTURES / "raw" / "wire.jsonl"), "--output", str(run_dir), "--ledger",
                   *IN_PROCESS)
    assert done.returncode == 0, done.stderr[-2000:]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("report", str(run_dir), "--to", str(blocker / "report.html"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot write the report to {blocker / 'report.html'}: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_mine_into_a_folder_that_cannot_be_written_exits_2_before_reading(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("mine", "--input", str(SITES), "--output", str(blocker / "drafts"), *IN_PROCESS)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: --output {blocker / 'drafts'} cannot be written: ")
    assert result.stderr.count("\n") == 1


def test_a_flag_that_takes_one_value_given_twice_is_an_error(tmp_path: Path):
    """Case 12: the last --input won silently; --rules is a list and may repeat."""
    out = tmp_path / "out"
    result = run_cli("run", "--input", str(DEDUP), "--input", str(SITES), "--output", str(out), *IN_PROCESS)
    assert result.returncode == 2
    assert ("argument --input: given more than once; it takes one value (only a list flag such as --rules may "
            "repeat)") in result.stderr
    assert not out.exists()
    mined = run_cli("mine", "--input", str(SITES), "--output", str(out), "--min_docs=3", "--min_docs", "4", *IN_PROCESS)
    assert mined.returncode == 2 and "argument --min_docs: given more than once" in mined.stderr
    rules = tmp_path / "ads.toml"
    rules.write_text(RULE_TOML, encoding="utf-8")
    listed = run_cli("run", "--input", str(tmp_path / "none-*.jsonl"), "--output", str(out), "--rules", str(rules),
                     "--rules", str(rules), *IN_PROCESS)
    assert listed.returncode == 2 and "given more than once" not in listed.stderr
    assert "matches no files" in listed.stderr


def test_pages_without_words_are_each_a_page_of_their_own_for_site_repeats_and_mining():
    """Case 12: an empty fold is no evidence of a copy, in the site-repeat count and mining's page count too."""
    pages = [CleanArticle(id=name, text=text, title="", url=f"https://example.com/{name}", source="f", line=None,
                          metadata={}) for name, text in (("a", "\U0001f389!!"), ("b", "\u2014 \u2014"), ("c", "!!!"))]
    assert len({key for page in pages for _, key in site_text_keys(page)}) == 3
    mined = [mined_document(page) for page in pages]
    assert len({doc.key for doc in mined if doc is not None}) == 3
    copy = CleanArticle(**{**vars(pages[0]), "id": "d", "text": "Rates rise."})
    again = CleanArticle(**{**vars(copy), "id": "e", "text": "RATES   rise"})
    mined_copy, mined_again = mined_document(copy), mined_document(again)
    assert mined_copy is not None and mined_again is not None and mined_copy.key == mined_again.key


@pytest.mark.parametrize("breaker", ["\n", "\r", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1b]52;c;x\x07"])
def test_no_line_breaker_or_control_character_of_a_group_name_survives_in_a_comment(breaker: str):
    """Case 3, every character a TOML reader, an editor or a terminal could take as the end of a line."""
    escaped = comment_text(f"Example{breaker}News")
    assert escaped.startswith("Example\\") and escaped.endswith("News")
    assert escaped.isprintable() and escaped.isascii()
