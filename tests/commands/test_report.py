"""``python -m pipeline report``: the page about a run, and what changed against another run, checked in a real
headless Chromium (tests/browser.py) as a person would open it."""

import json
import re
import struct

import pytest

from pipeline.commands.report.runs import SiteRow, load_run
from tests.browser import load, needs_chromium, screenshot
from tests.conftest import IN_PROCESS, run_cli

# A careless new rule, as in the issue: it passes its own examples, and also takes a paragraph of the storm story.
CARELESS_RULE = '''
[[rules]]
name = "storm-teaser"
description = "A teaser line for a storm live blog."
pattern = '^A storm with gusts[^\\n]{0,200}$'
flags = ["MULTILINE"]
keep = ["Gusts of a storm"]

[[rules.examples]]
input = "One.\\n\\nA storm with gusts: live\\n\\nTwo."
output = "One.\\n\\nTwo."
'''


def run(output, *extra):
    done = run_cli("run", "--input", "fixtures/raw/*", "--output", str(output), "--ledger", *extra, *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    return output


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    rules = folder / "rules"
    rules.mkdir()
    (rules / "storm.toml").write_text(CARELESS_RULE, encoding="utf-8")
    return run(folder / "bundled"), run(folder / "careless", "--rules", str(rules))


def counts(html: str) -> dict[str, str]:
    return dict(re.findall(r"data-count='([^']+)'>([^<]+)<", html))


def test_rule_rows_and_sites_count_what_the_ledger_holds(runs):
    bundled = load_run(str(runs[0]))
    rows = {row.cause: (row.step, row.hits, row.documents, row.words) for row in bundled.rules}
    assert rows == {"hover-card": ("rules", 3, 1, 98), "headline_repeat": ("headline_repeats", 5, 5, 32),
                    "read-time-line": ("rules", 3, 3, 7), "comment-widget": ("rules", 2, 1, 4)}
    assert bundled.sites[0] == SiteRow("fixtures/raw/002_fb6e392a3bbb2a7b.txt", 1, 4, 108)


def test_report_writes_one_page_with_the_runs_counts_and_nothing_from_outside(runs):
    done = run_cli("report", str(runs[0]))
    assert done.returncode == 0, done.stderr
    page = runs[0] / "report.html"
    assert done.stdout == f"report: {page}\n"
    html = page.read_text(encoding="utf-8")
    summary = json.loads((runs[0] / "summary.json").read_text())
    assert counts(html) == {
        "documents.read": "9", "documents.clean": "7", "documents.rejected": "2", "documents.duplicates": "0",
        "headline_repeats": str(summary["headline_repeats_removed"]), "mass_removal": "0",
        "repeated_paragraphs": str(summary["repeated_paragraphs_removed"]),
        "rejected.invalid_json": "1", "rejected.missing_text": "1",
        "language.en": "7",
        **{f"hits.{rule}": str(hits["hits"]) for rule, hits in summary["rules"].items() if hits["hits"]},
        "hits.headline_repeat": "5", "words.hover-card": "98", "words.headline_repeat": "32",
        "words.read-time-line": "7", "words.comment-widget": "4",
    }
    assert not re.search(r"<script|<link|<img|@import|url\(|\b(?:src|href)=", html)
    assert "<del>Antony BlinkenPelosi signals no further action" in html


def test_a_parquet_run_reports_what_the_same_run_in_jsonl_does(runs, tmp_path):
    parquet = run(tmp_path / "parquet", "--output_format", "parquet")
    pages = []
    for folder in (runs[0], parquet):
        done = run_cli("report", str(folder), "--to", str(tmp_path / f"{folder.name}.html"))
        assert done.returncode == 0, done.stderr
        pages.append((tmp_path / f"{folder.name}.html").read_text(encoding="utf-8"))
    assert counts(pages[1]) == counts(pages[0])
    # The same samples, chosen by where each removal is, not by the order the shards were read in.
    samples = [re.findall(r"<div class=sample>.*?</div>", page) for page in pages]
    assert samples[1] == samples[0] and samples[0]


def test_report_needs_a_run_with_a_ledger(tmp_path):
    done = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path), *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    refused = run_cli("report", str(tmp_path))
    assert refused.returncode == 2
    assert refused.stderr == f"error: {tmp_path} has no removed-* shards: run the job with --ledger to report what it removed\n"
    assert run_cli("report", str(tmp_path / "nowhere")).stderr.endswith("holds no summary.json: not the output folder "
                                                                          "of a finished run\n")


def test_compare_shows_the_removals_a_rule_change_gains_and_loses(runs, tmp_path):
    bundled, careless = runs
    gained = run_cli("report", str(careless), "--compare", str(bundled), "--to", str(tmp_path / "gained.html"))
    assert gained.returncode == 0, gained.stderr
    html = (tmp_path / "gained.html").read_text(encoding="utf-8")
    assert {k: v for k, v in counts(html).items() if k.startswith(("compare.", "gained.", "lost."))} == {
        "compare.changed": "1", "compare.gained": "1", "compare.lost": "0", "gained.storm-teaser": "+1",
        "lost.storm-teaser": "−0"}
    assert "<del>A storm with gusts of up to 120 km/h cut power to about 40,000 homes" in html
    assert "storm-page: 59 words before, 36 now" in html
    lost = run_cli("report", str(bundled), "--compare", str(careless), "--to", str(tmp_path / "lost.html"))
    assert lost.returncode == 0, lost.stderr
    assert counts((tmp_path / "lost.html").read_text(encoding="utf-8"))["lost.storm-teaser"] == "−1"


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@needs_chromium
def test_the_report_opens_in_headless_chromium_without_console_errors_and_shows_the_counts(runs, tmp_path):
    bundled, careless = runs
    done = run_cli("report", str(careless), "--compare", str(bundled))
    assert done.returncode == 0, done.stderr
    page = careless / "report.html"
    loaded = load(page)
    assert loaded.console == []
    shown = counts(loaded.dom.replace('"', "'"))   # the browser's serialisation quotes attributes with "
    assert (shown["documents.read"], shown["documents.clean"], shown["hits.hover-card"], shown["compare.changed"],
            shown["gained.storm-teaser"]) == ("9", "7", "3", "1", "+1")
    assert loaded.dom.count("<svg") == 2
    assert png_size(screenshot(page, tmp_path / "report.png")) == (1200, 2400)


@needs_chromium
def test_the_browser_check_sees_a_page_that_fails(tmp_path):
    """The console check above can fail: a script error and a fetch from outside both show in the console."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>console.error('boom'); notDefined();</script>", encoding="utf-8")
    assert load(page).console == ["boom", "Uncaught ReferenceError: notDefined is not defined"]


def test_documents_flagged_for_mass_removal_are_listed_with_their_removals(tmp_path):
    # At a 10% threshold two documents are flagged: the Hill seed, which loses 18% of its words to hover cards,
    # and a short wire story whose read-time line is 12% of its words.
    out = run(tmp_path / "strict", "--max_removed_share", "0.1")
    done = run_cli("report", str(out))
    assert done.returncode == 0, done.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    section = html[html.index("<section id=mass-removal>"):html.index("<section id=sites>")]
    assert counts(section) == {"mass_removal.listed": "2"}
    assert re.findall(r"<summary>([^<]*)", section) == [
        "002_fb6e392a3bbb2a7b: Blinken: US stands with Ukraine in face of Russian aggression — 18% of words removed",
        "wire.jsonl@340: Harvest starts early in the valley — 12% of words removed"]
    assert section.count("<div class=sample>") == 5   # three hover cards and a headline repeat; the read time


def test_a_rerun_with_overwrite_replaces_the_ledger_and_the_report(tmp_path):
    out = run(tmp_path / "out")
    assert run_cli("report", str(out)).returncode == 0
    refused = run_cli("run", "--input", "fixtures/raw/*", "--output", str(out), *IN_PROCESS)
    assert refused.returncode == 2
    again = run_cli("run", "--input", "fixtures/raw/*", "--output", str(out), "--overwrite", *IN_PROCESS)
    assert again.returncode == 0, again.stderr
    assert not list(out.glob("removed-*")) and not (out / "report.html").exists()


@pytest.fixture(scope="module")
def pages_run(tmp_path_factory):
    """A run over the extraction ledger's two pages (an article, an index page without one) with --ledger."""
    output = tmp_path_factory.mktemp("report-pages") / "pages"
    done = run_cli("run", "--input", "fixtures/extract_ledger/*.html", "--output", str(output), "--ledger",
                   *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    return output


def test_what_extraction_removed_is_counted_per_cause_and_site_apart_from_the_rules(pages_run):
    run_ = load_run(str(pages_run))
    assert {row.cause: (row.hits, row.documents, row.words) for row in run_.extraction.causes} == {
        "comments": (1, 1, 42), "menu": (3, 1, 21), "link_list": (1, 1, 14), "boilerplate": (2, 1, 9),
        "furniture_line": (1, 1, 9), "navigation": (2, 2, 6)}
    # The index page, rejected, counts for its site too: its ledger line has its canonical URL.
    assert [(site.site, site.pages, site.removals, site.words, dict(site.words_by_cause))
            for site in run_.extraction.sites] == [
        ("courier.example", 2, 10, 101, {"boilerplate": 9, "navigation": 6, "link_list": 14, "furniture_line": 9,
                                         "comments": 42, "menu": 21})]
    # The rules' table and the sites with the most removed are the cleaning's: the headline repeat only.
    assert [(row.cause, row.hits) for row in run_.rules] == [("headline_repeat", 1)]
    assert run_.sites == [SiteRow("courier.example", 1, 1, 4)]


def test_the_report_of_a_page_run_shows_the_extraction_section_with_examples(pages_run):
    done = run_cli("report", str(pages_run))
    assert done.returncode == 0, done.stderr
    html = (pages_run / "report.html").read_text(encoding="utf-8")
    shown = counts(html)
    assert {name: value for name, value in shown.items() if name.startswith("extract.")} == {
        "extract.hits.comments": "1", "extract.words.comments": "42", "extract.hits.menu": "3",
        "extract.words.menu": "21", "extract.hits.link_list": "1", "extract.words.link_list": "14",
        "extract.hits.boilerplate": "2", "extract.words.boilerplate": "9", "extract.hits.furniture_line": "1",
        "extract.words.furniture_line": "9", "extract.hits.navigation": "2", "extract.words.navigation": "6",
        "extract.pages.courier.example": "2"}
    assert "<section id=extraction><h2>What extraction removed from pages</h2>" in html
    assert "<summary>courier.example: 3 of 10 removals</summary>" in html
    # Three examples of the site's ten, chosen by a hash of where they are, each in its context, with its path.
    assert re.findall(r"<div class=where>([^<]*of the page's full text · <code>[^<]*)</code>", html) == [
        "courier-bridge · fixtures/extract_ledger/courier-bridge.html · boilerplate [981:1035] of the page's full "
        "text · <code>html/body/footer",
        "(no id) · fixtures/extract_ledger/courier-index.html · menu [22:64] of the page's full text · "
        "<code>html/body/div.index/h2",
        "(no id) · fixtures/extract_ledger/courier-index.html · menu [66:108] of the page's full text · "
        "<code>html/body/div.index/h2"]
    assert ("<del>Copyright 2026 Riverside Courier. All rights reserved.</del>"
            "<span class=ctx></span>") in html


def test_a_run_without_pages_has_no_extraction_section(runs):
    assert run_cli("report", str(runs[0])).returncode == 0
    html = (runs[0] / "report.html").read_text(encoding="utf-8")
    assert "<section id=documents>" in html and "<section id=rules>" in html
    assert "id=extraction" not in html and "data-count='extract." not in html


@needs_chromium
def test_the_extraction_section_shows_in_headless_chromium(pages_run):
    done = run_cli("report", str(pages_run))
    assert done.returncode == 0, done.stderr
    loaded = load(pages_run / "report.html")
    assert loaded.console == []
    assert counts(loaded.dom.replace('"', "'"))["extract.hits.navigation"] == "2"
    assert loaded.dom.count("<svg") == 3   # the rules' two charts and the extraction's
