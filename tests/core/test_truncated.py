"""Teasers and paywalls: stats.truncated from a closing notice or the page's paywall markup; --truncated reject."""

import json
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from lxml import html

from pipeline.beam.rule_files import load_rules
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.pages import html_to_page
from pipeline.core.readers import ReadOptions, read_records
from pipeline.core.records import Article, Rejected
from pipeline.core.truncated import markup_evidence, notice_evidence
from tests.conftest import BUNDLED_RULES, FIXTURES, IN_PROCESS, REPO, read_output, run_cli

HERE = FIXTURES / "truncated"
CLEAN_SCHEMA = json.loads((REPO / "docs" / "schema" / "clean.schema.json").read_text())
BODY = "The county board voted on Tuesday to close the pool for good.\n\n"


@pytest.mark.parametrize("line, evidence", [
    ("Subscribe to continue reading.", "a paywall notice in the last lines: 'Subscribe to continue reading.'"),
    ("To read the full story, subscribe.", "a paywall notice in the last lines: 'To read the full story, subscribe.'"),
    ("This article is for subscribers only", "a paywall notice in the last lines: 'This article is for subscribers only'"),
    ("You’ve reached your monthly free article limit. Subscribe now from $1 a week.",
     "a paywall notice in the last lines: 'You’ve reached your monthly free article limit. Subscribe now from $1 a week.'"),
    ("Already a subscriber? Log in", "a paywall notice in the last lines: 'Already a subscriber? Log in'"),
    ("CONTINUE READING:", "a continue-elsewhere notice in the last lines: 'CONTINUE READING:'"),
    ("Continue reading on Medium", "a continue-elsewhere notice in the last lines: 'Continue reading on Medium'"),
    ("Read the full article here.", "a continue-elsewhere notice in the last lines: 'Read the full article here.'"),
])
def test_a_closing_notice_is_the_evidence(line, evidence):
    assert notice_evidence(BODY + line) == evidence


@pytest.mark.parametrize("line", [
    "The Times introduced a paywall in 2010.",
    "This story is for subscribers only, the editor wrote in a memo leaked on Monday.",
    "Readers who subscribe to continue reading the paper online pay $4 a week.",
    "Continue reading the report before the vote, she urged.",
    "Continue reading the main story",   # the NYT's ad-slot line: the story goes on below, not elsewhere
    "Read the full report on the council's website.",
    "She said she had reached her limit with the board.",
])
def test_reporting_about_paywalls_and_other_look_alikes_are_not_notices(line):
    assert notice_evidence(BODY + line) is None


def test_a_notice_before_the_last_lines_is_not_the_end_of_the_text():
    assert notice_evidence("Subscribe to continue reading.\n\n" + BODY * 3) is None


def articles(path: Path) -> list[Article]:
    found = []
    with path.open("rb") as stream:
        for record, _ in read_records(stream, str(path), "jsonl", ReadOptions()):
            assert isinstance(record, Article), record   # every line of the fixture reads
            found.append(record)
    return found


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner(load_rules([str(BUNDLED_RULES)]))


def test_teasers_are_flagged_with_their_notice_also_when_a_rule_removed_it(cleaner):
    flagged = {article.id: cleaner.clean(article) for article in articles(HERE / "teasers.jsonl")}
    assert {key: clean.stats["truncated"] for key, clean in flagged.items()} == {
        "teaser-subscribe-plea": {"signal": "notice",
                                  "evidence": "a paywall notice in the last lines: 'Subscribe today to read more!'"},
        "teaser-read-full-story": {"signal": "notice", "evidence":
                                   "a paywall notice in the last lines: 'To read the full story, subscribe to the Herald.'"},
        "teaser-article-limit": {"signal": "notice",
                                 "evidence": "a paywall notice in the last lines: 'You have reached your free article limit.'"},
        "teaser-continue-reading": {"signal": "notice",
                                    "evidence": "a continue-elsewhere notice in the last lines: 'Continue reading →'"},
    }
    # The subscribe plea is a rule's removal; the flag was decided on the text before the rules.
    plea = flagged["teaser-subscribe-plea"]
    assert not plea.text.endswith("Subscribe today to read more!") and plea.stats["rules"] == {"signup-call-line": 1}


def test_look_alikes_are_not_flagged(cleaner):
    cleaned = [cleaner.clean(article) for article in articles(HERE / "look-alikes.jsonl")]
    assert len(cleaned) == 6
    assert [clean.id for clean in cleaned if "truncated" in clean.stats] == []
    assert all(clean.to_dict()["stats"]["truncated"] is None for clean in cleaned)


def test_truncated_reject_rejects_a_teaser_with_its_evidence():
    cleaner = Cleaner(load_rules([str(BUNDLED_RULES)]), CleanOptions(truncated="reject"))
    teaser = articles(HERE / "teasers.jsonl")[3]
    with pytest.raises(Rejected) as rejected:
        cleaner.clean(teaser)
    assert (rejected.value.stage, rejected.value.reason) == ("clean", "truncated")
    assert rejected.value.detail == ("a teaser or paywalled text (notice): a continue-elsewhere notice in the last "
                                     "lines: 'Continue reading →'; --truncated keep ships it flagged")


def test_an_unknown_truncated_action_is_refused():
    with pytest.raises(ValueError, match="truncated must be one of keep, reject, not 'drop'"):
        CleanOptions(truncated="drop")


def test_the_page_markup_says_teaser_only_when_the_paywalled_part_is_not_served():
    evidence = {path.name: html_to_page(path.read_text()).truncated for path in sorted(HERE.glob("*.html"))}
    assert evidence == {
        "paywall-class.html": "a text container with the class 'article-body--truncated' (<div>)",
        "paywall-jsonld.html": "the page's JSON-LD marks '.paywall' as not free (isAccessibleForFree false) "
                               "and no element matches it",
        # isAccessibleForFree false, but the .paywall part holds the whole text; "title truncate" and
        # "caption-truncated" are CSS ellipses on a headline and a caption.
        "paywall-served.html": None,
    }


def test_microdata_paywall_markup_and_a_part_holding_only_a_prompt():
    page = html.fromstring(
        '<html><body><span itemprop="hasPart" itemscope itemtype="http://schema.org/WebPageElement">'
        '<meta itemprop="isAccessibleForFree" content="False"><meta itemprop="cssSelector" content=".meteredContent">'
        '</span><p>The first paragraph.</p><div class="meteredContent">Subscribe to keep reading.</div></body></html>')
    assert markup_evidence(page) == ("the page's microdata marks '.meteredContent' as not free "
                                     "(isAccessibleForFree false) and it holds 4 words")


def test_a_selector_not_judged_here_and_broken_json_ld_are_no_evidence():
    page = html.fromstring(
        '<html><head><script type="application/ld+json">{"isAccessibleForFree": false,</script>'
        '<script type="application/ld+json">{"isAccessibleForFree": false, "hasPart": {"isAccessibleForFree": false,'
        '"cssSelector": "article > div:nth-child(3)"}}</script></head><body><p>Text.</p></body></html>')
    assert markup_evidence(page) is None


def test_json_ld_nested_past_the_parsers_depth_is_no_evidence_and_the_page_is_read(tmp_path):
    # json.loads raises RecursionError, not ValueError, at this depth: the page was rejected 'unreadable'.
    page = tmp_path / "deep.html"
    page.write_text('<html><head><title>Storm</title><script type="application/ld+json">' + "[" * 200_000
                    + "</script></head><body><article><p>" + "Words of the storm story. " * 40
                    + "</p></article></body></html>", encoding="utf-8")
    summary = run(tmp_path / "out", "--input", str(page))
    assert summary["documents"]["clean"] == 1 and summary["rejected_by_reason"] == {}


def run(out: Path, *args: str) -> dict:
    ran = run_cli("run", "--output", str(out), *args, *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    assert "flagged truncated (a teaser or paywalled text): " in ran.stdout
    return json.loads((out / "summary.json").read_text())


def test_a_run_counts_flags_and_with_reject_writes_rejected_records(tmp_path):
    summary = run(tmp_path / "keep", "--input", str(HERE / "*.jsonl"))
    assert summary["flagged_truncated"] == 4
    assert summary["documents"] == {"read": 10, "clean": 10, "rejected": 0, "duplicates": 0}
    clean = read_output(tmp_path / "keep", "clean")
    for record in clean:
        jsonschema.validate(record, CLEAN_SCHEMA)
    assert sorted(r["id"] for r in clean if r["stats"]["truncated"]) == [
        "teaser-article-limit", "teaser-continue-reading", "teaser-read-full-story", "teaser-subscribe-plea"]

    summary = run(tmp_path / "reject", "--input", str(HERE / "*.jsonl"), "--truncated", "reject")
    assert summary["flagged_truncated"] == 0
    assert summary["rejected_by_reason"] == {"truncated": 4}
    rejected = read_output(tmp_path / "reject", "rejected")
    assert [(r["id"], r["reason"]) for r in rejected] == [
        ("teaser-article-limit", "truncated"), ("teaser-continue-reading", "truncated"),
        ("teaser-read-full-story", "truncated"), ("teaser-subscribe-plea", "truncated")]
    assert "'To read the full story, subscribe to the Herald.'" in rejected[2]["detail"]


def test_html_pages_are_flagged_by_their_markup_in_parquet_output_too(tmp_path):
    summary = run(tmp_path / "html", "--input", str(HERE / "*.html"), "--output_format", "parquet")
    assert summary["flagged_truncated"] == 2
    table = pq.read_table(list((tmp_path / "html").glob("clean-*.parquet"))).to_pylist()
    signals = {Path(row["input_file"]).name: row["stats"]["truncated"] for row in table}
    assert signals == {
        "paywall-class.html": {"signal": "markup",
                               "evidence": "a text container with the class 'article-body--truncated' (<div>)"},
        "paywall-jsonld.html": {"signal": "markup", "evidence": "the page's JSON-LD marks '.paywall' as not free "
                                                                "(isAccessibleForFree false) and no element matches it"},
        "paywall-served.html": None,
    }


def test_a_misspelt_truncated_value_is_exit_2_before_reading(tmp_path):
    ran = run_cli("run", "--input", str(HERE / "*.jsonl"), "--output", str(tmp_path / "out"), "--truncated", "drop")
    assert ran.returncode == 2
    assert "--truncated: invalid choice: 'drop'" in ran.stderr
    assert not (tmp_path / "out").exists()


def test_explain_shows_the_flag_at_its_step():
    done = run_cli("explain", "--input", str(HERE / "teasers.jsonl"), "--id", "teaser-subscribe-plea")
    assert done.returncode == 0, done.stderr
    assert ("  3. truncated         nothing removed; 368 characters of body; flagged: a paywall notice in the last "
            "lines: 'Subscribe today to read more!'\n") in done.stdout


def _pages_and_markup() -> list[str]:
    from tests.core.pages.test_pages import BENCHMARK_PAGES, benchmark_markups
    assert BENCHMARK_PAGES   # the corpus's pages where it is at hand (NEWSCLEAN_CORPUS), the fixtures always
    return [path.read_text(encoding="utf-8") for path in sorted(HERE.glob("*.html"))
            + sorted((FIXTURES / "pages").glob("*.html"))] + benchmark_markups()


# The words the markup searches rule out, spelled only in the tree: by a character reference (with or without its
# semicolon, decimal or hexadecimal, leading zeros), or joined by the removal of a character libxml2 refuses.
SPELLED_IN_THE_TREE = [
    '<div class="article--&#116;runcated"><p>Only the start.</p></div>',
    '<div class="story-&#x6C;ocked"><p>Only the start.</p></div>',
    '<div class="content-trun&#0099ated"><p>Only the start.</p></div>',
    '<div class="body-trun\x01cated"><p>Only the start.</p></div>',
    '<span itemprop="has&#80;art"><meta itemprop="isAccessibleForFree" content="false">'
    '<meta itemprop="cssSelector" content=".rest"></span><p>Only the start.</p>',
]


@pytest.mark.parametrize("markup", [f"<html><body>{body}</body></html>" for body in SPELLED_IN_THE_TREE]
                         + _pages_and_markup())
def test_the_markup_spares_only_searches_that_find_nothing(markup):
    from pipeline.core.pages.loading import load_page_markup
    tree, repaired = load_page_markup(markup)
    assert markup_evidence(tree, repaired) == markup_evidence(tree)


def test_evidence_spelled_only_in_the_tree_is_found():
    from pipeline.core.pages.loading import load_page_markup
    found = [markup_evidence(*load_page_markup(f"<html><body>{body}</body></html>")) for body in SPELLED_IN_THE_TREE]
    assert found == ["a text container with the class 'article--truncated' (<div>)",
                     "a text container with the class 'story-locked' (<div>)",
                     "a text container with the class 'content-truncated' (<div>)",
                     "a text container with the class 'body-truncated' (<div>)",
                     "the page's microdata marks '.rest' as not free (isAccessibleForFree false) and no element matches it"]
