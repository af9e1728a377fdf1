"""``python -m pipeline mine`` end to end on a small synthetic corpus with known furniture
(fixtures/mine/sites.jsonl): Example News prints a top block, a reader count and a bottom block on each of
its 10 pages; a quote is on the pages of 3 sites; tiny.example has 3 pages only."""

import json

import pytest

from pipeline.beam.rule_files import load_rules
from tests.conftest import FIXTURES, IN_PROCESS, PORTABLE_SUBPROCESS_WORKERS, read_output, run_cli, run_cli_process

SITES = FIXTURES / "mine" / "sites.jsonl"
QUOTE = 'The mayor said, "We will rebuild this town together."'
MONTH = ("(?:January|February|March|April|May|June|July|August|September|October|November|December"
         "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?")
NUMBER = "\\d+(?:[.,:]\\d+)*"


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    out = tmp_path_factory.mktemp("drafts")
    result = run_cli("mine", "--input", str(SITES), "--output", str(out), *IN_PROCESS)
    assert result.returncode == 0, result.stderr
    return out, result


def test_one_rule_file_and_report_per_site_with_furniture(drafts):
    out, result = drafts
    assert sorted(path.name for path in out.iterdir()) == [
        "example-news.com.report.md", "example-news.com.toml", "mine-summary.json"]
    assert json.loads((out / "mine-summary.json").read_text()) == [
        {"site": "example-news.com", "rules": 3, "report": "example-news.com.report.md",
         "rule_file": "example-news.com.toml"}]
    assert "documents: 21 read, 0 rejected, 0 without a URL (not mined), 21 mined" in result.stdout
    assert "example-news.com: 3 rule(s) (example-news.com.toml)" in result.stdout


def test_the_drafts_are_full_line_rules_scoped_to_the_site(drafts):
    out, _ = drafts
    rules = load_rules([out / "example-news.com.toml"])
    assert [(rule.name, rule.pattern, rule.flags, rule.sites) for rule in rules] == [
        ("mine-example-news.com-01", "^(?:Example[ ]News[ ]Extras|Puzzles[ ]and[ ]games|Our[ ]weekly[ ]quiz)$",
         ("MULTILINE",), ("example-news.com",)),
        ("mine-example-news.com-02", f"^(?:Example[ ]News[ ]Morning[ ]Briefing|Page[ ]revised[ ]{NUMBER}[ ]{MONTH}[ ]{NUMBER})$",
         ("MULTILINE",), ("example-news.com",)),
        ("mine-example-news.com-03", f"^Join[ ]the[ ]{NUMBER}[ ]readers?[ ]discussing[ ]this[ ]story$",
         ("MULTILINE",), ("example-news.com",)),
    ]
    bottom = rules[0]
    assert [(e.input, e.output) for e in bottom.examples] == [(
        "A final vote on bridge repairs is expected next month, officials said.\n\n"
        "Example News Extras\nPuzzles and games\nOur weekly quiz",
        "A final vote on bridge repairs is expected next month, officials said.")]
    # The site's own prose closest in words to the block: it must stay.
    assert bottom.keep[0] == "Readers of Example News sent in more than 400 answers to the weekly quiz about local history."


def test_the_drafts_pass_rules_test_as_written(drafts):
    out, _ = drafts
    result = run_cli("rules", "test", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(": 0 failed\n")


def test_the_report_gives_pages_positions_ids_and_the_cross_site_lines(drafts):
    report = (drafts[0] / "example-news.com.report.md").read_text()
    assert "| `Join the <N> reader<S> discussing this story` | 10 | 100.0% | 0 / 10 / 0 | " in report
    assert "| `Page revised <N> <MONTH> <N>` | 10 | 100.0% | 10 / 0 / 0 | " in report
    assert "Example pages: en-01, en-02, en-03, en-04, en-05" in report
    assert "## Left out by the cross-site test: 1" in report
    assert f"| `{QUOTE}` | 6 | 3 |" in report


def test_the_job_with_the_drafts_removes_the_furniture_and_keeps_the_rest(drafts, tmp_path):
    result = run_cli("run", "--input", str(SITES), "--output", str(tmp_path), "--rules", str(drafts[0]), *IN_PROCESS)
    assert result.returncode == 0, result.stderr
    clean = {record["id"]: record["text"] for record in read_output(tmp_path, "clean")}
    assert clean["en-01"] == (
        "The council met on Tuesday to discuss bridge repairs, and members asked for a full report by June.\n\n"
        "Residents told the meeting that bridge repairs had been delayed for 3 years and asked for a date.\n\n"
        f"{QUOTE}\n\nA final vote on bridge repairs is expected next month, officials said.")
    assert clean["other-a-1"] == ("Crews on other-a.com worked through the night on item 1 of the repair list.\n\n"
                                  f"{QUOTE}\n\nWork on other-a.com item 1 resumes on Monday, the contractor said.")
    rules = json.loads((tmp_path / "summary.json").read_text())["rules"]
    assert rules["mine-example-news.com-01"] == {"hits": 30, "documents": 10}
    assert rules["mine-example-news.com-02"] == {"hits": 20, "documents": 10}
    assert rules["mine-example-news.com-03"] == {"hits": 10, "documents": 10}


def test_grouping_by_a_field_scopes_to_its_hosts(tmp_path):
    result = run_cli("mine", "--input", str(SITES), "--output", str(tmp_path), "--by", "source", *IN_PROCESS)
    assert result.returncode == 0, result.stderr
    rules = load_rules([tmp_path / "example-news.toml"])
    assert [rule.name for rule in rules] == ["mine-example-news-01", "mine-example-news-02", "mine-example-news-03"]
    assert {rule.sites for rule in rules} == {("example-news.com",)}


@pytest.mark.parametrize(("args", "message"), [
    (["--min_docs", "1"], "error: bad option: min_docs must be at least 2"),
    (["--max_sites", "1"], "error: bad option: max_sites must be at least 2"),
    (["--min_share", "1.5"], "--min_share: must be greater than 0 and at most 1"),
    (["--input", "no/such/*.jsonl"], "error: --input no/such/*.jsonl matches no files"),
    (["--no_bundled_rules"], "error: --no_bundled_rules leaves no rules"),
    # A flag of 'run' that Beam's parser takes (the job's flags are pipeline options) would do nothing here.
    (["--dedup", "near"], "unrecognized arguments: --dedup (a flag of 'run', not of 'mine')"),
])
def test_bad_options_fail_before_anything_is_read(tmp_path, args, message):
    given = [] if "--input" in args else ["--input", str(SITES)]   # a flag given twice is an error of its own
    result = run_cli("mine", *given, "--output", str(tmp_path / "out"), *args, *IN_PROCESS)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_with_drafts_is_refused_without_overwrite(drafts, tmp_path):
    (tmp_path / "old.toml").write_text("# a previous draft")
    result = run_cli("mine", "--input", str(SITES), "--output", str(tmp_path), *IN_PROCESS)
    assert result.returncode == 2 and "already holds drafts (1 files" in result.stderr
    result = run_cli("mine", "--input", str(SITES), "--output", str(tmp_path), "--overwrite", *IN_PROCESS)
    assert result.returncode == 0
    assert not (tmp_path / "old.toml").exists()
    assert (tmp_path / "example-news.com.toml").read_text() == (drafts[0] / "example-news.com.toml").read_text()


def test_a_corpus_without_repeated_lines_gives_an_empty_summary(tmp_path):
    single = tmp_path / "one.jsonl"
    single.write_text(SITES.read_text().split("\n")[0] + "\n" + '{"id": "no-url", "text": "Headline\\nBody."}\n'
                      + '{"id": "bad", "text": 5}\n')
    result = run_cli("mine", "--input", str(single), "--output", str(tmp_path / "out"), *IN_PROCESS)
    assert result.returncode == 0
    assert json.loads((tmp_path / "out" / "mine-summary.json").read_text()) == []
    assert "documents: 3 read, 1 rejected, 1 without a URL (not mined), 1 mined" in result.stdout
    assert "0 rules for 0 of 0 sites" in result.stdout


def test_worker_processes_draft_the_same_files(drafts, tmp_path):
    # DoFns in separate processes, as on Dataflow: nothing may depend on the launching process's state.
    result = run_cli_process("mine", "--input", str(SITES), "--output", str(tmp_path), *PORTABLE_SUBPROCESS_WORKERS)
    assert result.returncode == 0, result.stderr
    for name in ("example-news.com.toml", "example-news.com.report.md", "mine-summary.json"):
        assert (tmp_path / name).read_text() == (drafts[0] / name).read_text()
