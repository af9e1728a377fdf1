"""The extraction ledger: what a page's article extraction left out, as ``step: extract`` removals (issue 28 item 4)."""

import io
import json
import time
from pathlib import Path

import pytest
import trafilatura
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.beam.writers import WRITERS
from pipeline.core.pages import html_to_page
from pipeline.core.pages.full_text import full_text
from pipeline.core.records import Rejected
from tests.conftest import FIXTURES, IN_PROCESS, read_output, run_cli

PAGES = FIXTURES / "extract_ledger"
BRIDGE = (PAGES / "courier-bridge.html").read_text(encoding="utf-8")
INDEX = (PAGES / "courier-index.html").read_text(encoding="utf-8")
COMMENTS = ("Comments\n\nAbout time too. I have waited for this bridge for fifteen years and I will believe it when I "
            "see it.\n\nWho is paying for this? The council tax went up again this year and the roads are full of holes.")
# (cause, start, end, tag path, text) of the bridge page: its header, menu, related links, a furniture line,
# its comments section and its footer; the article's five paragraphs and headline are not among them.
BRIDGE_REMOVALS = [
    ("boilerplate", 0, 17, "html/body/header.masthead", "Riverside Courier"),
    ("navigation", 19, 39, "html/body/nav.site-nav", "News\n\nSport\n\nWeather"),
    ("link_list", 510, 590, "html/body/main/article/ul.more",
     "Bridge plans through the years\n\nWhere the money comes from\n\nFerry service to end"),
    ("furniture_line", 723, 769, "html/body/main/article/p", "Read more: How the river crossing vote was won"),
    ("comments", 771, 979, "html/body/section#comments", COMMENTS),
    ("boilerplate", 981, 1035, "html/body/footer", "Copyright 2026 Riverside Courier. All rights reserved."),
]
INDEX_REMOVALS = [
    ("navigation", 0, 20, "html/body/nav.site-nav", "News\n\nSport\n\nWeather"),
    ("menu", 22, 64, "html/body/div.index/h2", "Council approves new bridge over the river"),
    ("menu", 66, 108, "html/body/div.index/h2", "Ferry service to end when the bridge opens"),
    ("menu", 110, 138, "html/body/div.index/h2", "New school for the east bank"),
]


def summary(removals) -> list[tuple]:
    return [(r.cause, r.start, r.end, r.path, r.text) for r in removals]


def page_full_text(markup: str) -> str:
    """The page's text as ``--html_mode full`` gives it."""
    return full_text(trafilatura.load_html(markup))


def test_a_page_with_navigation_a_link_list_and_comments_records_each_with_its_cause_path_and_offsets():
    page = html_to_page(BRIDGE, ledger=True)
    assert summary(page.removals) == BRIDGE_REMOVALS
    full = page_full_text(BRIDGE)
    assert full == html_to_page(BRIDGE, "full").text
    assert all(full[r.start:r.end] == r.text for r in page.removals)
    assert {(r.step, r.replacement) for r in page.removals} == {("extract", "")}
    link_list = page.removals[2]
    assert link_list.before == full[link_list.start - 80:link_list.start]
    assert link_list.after == "\n\nThe council will publish the full plans on its website next week, with a map o"
    # Nothing the article kept is among them.
    assert not any(r.text in page.text for r in page.removals)


def test_without_the_ledger_a_page_records_nothing_and_its_text_is_the_same():
    on, off = html_to_page(BRIDGE, ledger=True), html_to_page(BRIDGE)
    assert off.removals == ()
    assert (on.text, on.title, on.url, on.metadata) == (off.text, off.title, off.url, off.metadata)
    assert html_to_page(BRIDGE, "full", ledger=True).removals == ()   # full mode leaves nothing out


def test_a_page_that_extracts_to_nothing_is_still_rejected_and_says_what_was_left_out():
    with pytest.raises(Rejected) as rejected:
        html_to_page(INDEX, ledger=True)
    assert (rejected.value.stage, rejected.value.reason) == ("extract", "no_article")
    assert summary(rejected.value.removals) == INDEX_REMOVALS
    full = page_full_text(INDEX)
    assert all(full[r.start:r.end] == r.text for r in rejected.value.removals)
    with pytest.raises(Rejected) as without:
        html_to_page(INDEX)
    assert without.value.reason == "no_article" and without.value.removals == ()


def test_a_lost_paragraph_without_markup_reasons_is_not_extracted_and_the_title_is_named():
    # A paragraph outside the article's container, in a plain <div>: trafilatura leaves it out, and nothing in
    # the markup says why. The page's title, in its own <div>, is the record's title rather than text.
    body = "".join(f"<p>Paragraph {n} of the story: the council voted on the bridge over the river on Monday "
                   f"evening, and work starts in spring, said the mayor.</p>" for n in range(5))
    markup = (f"<html><head><title>Bridge vote</title></head><body><div><span>Bridge vote</span></div>"
              f"<article>{body}</article><div><div>Ask the mayor: write to the council at its town hall "
              f"office with your question about the bridge.</div></div></body></html>")
    page = html_to_page(markup, ledger=True)
    assert [(r.cause, r.path) for r in page.removals] == [
        ("title", "html/body/div"), ("not_extracted", "html/body/div/div")]
    assert page.removals[1].text.startswith("Ask the mayor")


@pytest.mark.parametrize("name, markup", [
    ("deep nesting with text at every level", "<div class='x'>word " * 30_000 + "<p>Deep text.</p>" + "</div>" * 30_000),
    ("40,000 list items", "<ul>" + "<li>item</li>" * 40_000 + "</ul>"),
    ("30,000 menu links", "<nav>" + "<a href='/x'>link</a> " * 30_000 + "</nav><p>" + "The story. " * 50 + "</p>"),
    ("a megabyte of class names on every block",
     "".join(f"<div class='{'nav-' * 50_000}'>Menu item {n}</div>" for n in range(5)) + "<p>" + "The story. " * 50
     + "</p>"),
])
def test_hostile_markup_with_the_ledger_finishes(name, markup):
    start = time.perf_counter()
    try:
        removals = html_to_page(f"<html><body>{markup}</body></html>", ledger=True).removals
    except Rejected as rejected:
        removals = rejected.removals
    full = page_full_text(f"<html><body>{markup}</body></html>")
    assert all(full[r.start:r.end] == r.text for r in removals)
    # Linear work takes seconds, under load too; a quadratic walk of the open elements took minutes.
    assert time.perf_counter() - start < 60, name


def run(output: Path, pattern: str, *extra: str) -> None:
    done = run_cli("run", "--input", pattern, "--output", str(output), *extra, *IN_PROCESS)
    assert done.returncode == 0, done.stderr


def ledger_of(output: Path) -> dict:
    """Per document (its id, else its file), the ledger's (step, cause, start, end, path, text)."""
    return {entry["id"] or entry["input_file"]: [(r["step"], r["cause"], r["start"], r["end"], r["path"], r["text"])
                                                for r in entry["removals"]] for entry in read_output(output, "removed")}


def extract_rows(expected: list[tuple]) -> list[tuple]:
    return [("extract", cause, start, end, path, text) for cause, start, end, path, text in expected]


HEADLINE = ("headline_repeats", "headline_repeat", 0, 27, None, "Council approves new bridge")


def test_a_run_with_the_ledger_writes_the_extract_removals_and_the_clean_output_is_byte_identical(tmp_path):
    run(tmp_path / "off", str(PAGES / "*.html"))
    run(tmp_path / "on", str(PAGES / "*.html"), "--ledger")
    index = str(PAGES / "courier-index.html")
    # The page's extraction removals first (offsets into its full text), then the cleaning's; the page without
    # an article is rejected as before, and its ledger line says what its extraction left out.
    assert ledger_of(tmp_path / "on") == {"courier-bridge": [*extract_rows(BRIDGE_REMOVALS), HEADLINE],
                                          index: extract_rows(INDEX_REMOVALS)}
    assert [entry["url"] for entry in read_output(tmp_path / "on", "removed")] == [
        "https://courier.example/news/council-approves-new-bridge", "https://courier.example/news/"]
    assert [(r["reason"], r["input_file"]) for r in read_output(tmp_path / "on", "rejected")] == [("no_article", index)]
    for kind in ("clean", "rejected", "files"):
        on, off = (sorted((tmp_path / side).glob(f"{kind}-*")) for side in ("on", "off"))
        assert [path.read_bytes() for path in on] == [path.read_bytes() for path in off], kind
    summaries = [json.loads((tmp_path / side / "summary.json").read_text())["documents"] for side in ("on", "off")]
    assert summaries[0] == summaries[1] == {"read": 2, "clean": 1, "rejected": 1, "duplicates": 0}


def test_parquet_ledger_rows_carry_the_tag_path(tmp_path):
    run(tmp_path, str(PAGES / "courier-bridge.html"), "--ledger", "--output_format", "parquet")
    writer = WRITERS["parquet"]
    [shard] = tmp_path.glob("removed-*.parquet")
    [entry] = list(writer.read(str(shard)))
    assert [(r["cause"], r["path"]) for r in entry["removals"]] == (
        [(cause, path) for cause, _, _, path, _ in BRIDGE_REMOVALS] + [("headline_repeat", None)])


def warc_response(url: str, body: str) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    payload = body.encode()
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                       ("Content-Length", str(len(payload)))], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http)
    record.rec_headers.replace_header("WARC-Record-ID", f"<urn:uuid:{url.rsplit('/', 1)[-1]}>")
    writer.write_record(record)
    return out.getvalue()


def test_warc_pages_record_the_same_extract_removals_as_the_html_files(tmp_path):
    crawl = tmp_path / "crawl.warc"
    crawl.write_bytes(warc_response("https://courier.example/news/bridge", BRIDGE)
                      + warc_response("https://courier.example/news", INDEX))
    run(tmp_path / "out", str(crawl), "--ledger")
    assert ledger_of(tmp_path / "out") == {"<urn:uuid:bridge>": [*extract_rows(BRIDGE_REMOVALS), HEADLINE],
                                           "<urn:uuid:news>": extract_rows(INDEX_REMOVALS)}
    [rejected] = read_output(tmp_path / "out", "rejected")
    assert (rejected["id"], rejected["reason"], rejected["line"]) == ("<urn:uuid:news>", "no_article", 2)
    # Each ledger line names its page's URL as the archive does, the rejected page's too.
    assert {entry["id"]: entry["url"] for entry in read_output(tmp_path / "out", "removed")} == {
        "<urn:uuid:bridge>": "https://courier.example/news/bridge", "<urn:uuid:news>": "https://courier.example/news"}


def bridge_vote(comments: int) -> str:
    """A story whose headline, in a header in its article, only trafilatura's default run keeps, and ``comments``
    comments of 24 words each after it."""
    body = "".join(f"<p>Paragraph {n} of the story: the council voted on the bridge over the river on Monday "
                   f"evening, and work starts in spring, said the mayor.</p>" for n in range(5))
    replies = "".join(f"<li><p>Comment {n}: I have lived by this river all my life and I do not think the bridge "
                      f"will ever be built, whatever the council says tonight.</p></li>" for n in range(comments))
    return (f'<html><head><title>Bridge</title></head><body><article class="content content-article">'
            f'<header class="content__header"><h1 class="content__title">Bridge vote: "We got it!"</h1></header>'
            f'<div class="content__body">{body}</div></article><section id="comments"><ol>{replies}</ol></section>'
            f'</body></html>')


def test_the_precise_runs_loss_is_named_when_the_default_run_was_asked_and_lost():
    # Twelve comments make the precise text short against the page's paragraphs: the default run is asked, keeps
    # the headline, and is not enough longer to win. The headline is the precise run's loss, not recovered.
    asked = html_to_page(bridge_vote(12), ledger=True)
    assert [(r.cause, r.path, r.text[:25]) for r in asked.removals] == [
        ("precise_run_loss", "html/body/article.content.content-article/header.content__header/h1.content__title",
         'Bridge vote: "We got it!"'),
        ("comments", "html/body/section#comments", "Comment 0: I have lived b")]
    # With two comments the default run is never asked: the extraction knows only that it is in a header.
    alone = html_to_page(bridge_vote(2), ledger=True)
    assert next((r.cause, r.path) for r in alone.removals) == (
        "boilerplate", "html/body/article.content.content-article/header.content__header")
