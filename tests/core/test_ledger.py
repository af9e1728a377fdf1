"""The removal ledger: offsets into the normalised text through every step, and ``run --ledger`` end to end."""

import json

import pytest

from pipeline.beam.rule_files import load_rules
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.ledger import CONTEXT_CHARS, Ledger, LedgerLostTrack, Removal
from pipeline.core.normalize import tidy_layout
from pipeline.core.records import Article, CleanArticle
from pipeline.core.steps import Draft, Step
from tests.conftest import (
    BUNDLED_RULES,
    EXPECTED,
    FIXTURES,
    IN_PROCESS,
    RAW,
    read_jsonl,
    read_output,
    read_removals,
    run_cli,
    sort_records,
)
from tests.core.test_fast_path import CORPUS, articles, outcome

RULES = load_rules([str(BUNDLED_RULES)])


def clean_seeing_ledger(cleaner: Cleaner, article: Article) -> tuple[CleanArticle, list[str]]:
    """The clean article, and the normalised text the ledger held after each step."""
    normalised: list[str] = []

    def seen(_step: Step, draft: Draft) -> None:
        if draft.ledger is not None:
            normalised.append(draft.ledger.normalised)

    return cleaner.clean(article, seen), normalised


def test_cuts_are_located_in_the_normalised_text_after_earlier_cuts_and_a_dropped_headline():
    normalised = "Title\n\n2 min read\n\nSecretary BlinkenBlinkenPelosi signals MORE said.\n\nEnd."
    ledger = Ledger(normalised)
    ledger.follow(normalised[len("Title\n\n"):])   # the headline moved to the title
    text = ledger._text
    ledger.removed("rules", [("read-time-line", 0, len("2 min read"), "")])
    text = ledger._text
    start = text.index("BlinkenBlinken")
    end = text.index(" said")
    # A replacement that keeps the start of its match removes only the rest.
    ledger.removed("rules", [("hover-card", start, end, "Blinken")])
    ledger.follow(tidy_layout(ledger._text))
    assert ledger._text == "Secretary Blinken said.\n\nEnd."
    read_time, hover = ledger.in_order()
    assert read_time == Removal("rules", "read-time-line", 7, 17, "2 min read", "", "Title\n\n",
                                normalised[17:])
    assert (hover.start, hover.end, hover.text, hover.replacement) == (
        normalised.index("BlinkenPelosi"), normalised.index(" said"), "BlinkenPelosi signals MORE", "")
    assert normalised[hover.start:hover.end] == hover.text


def test_a_replacement_that_keeps_nothing_of_its_match_is_recorded_with_it_and_takes_no_room():
    ledger = Ledger("One two three.")
    ledger.removed("rules", [("swap", 4, 7, "2")])
    ledger.removed("rules", [("drop", 3, 5, "")])   # " 2": a space of the text and the inserted character
    swap, drop = ledger.removals
    assert (swap.start, swap.end, swap.text, swap.replacement) == (4, 7, "two", "2")
    assert (drop.start, drop.end, drop.text) == (3, 4, " 2")
    assert ledger._text == "One three."


def test_a_step_that_changes_words_without_reporting_them_is_caught():
    ledger = Ledger("One two three.")
    with pytest.raises(LedgerLostTrack, match="changed the text near offset 0"):
        ledger.follow("One too three.")
    with pytest.raises(LedgerLostTrack, match="changed the text near offset 0"):
        ledger.follow("One two three. Four.")
    spaced = Ledger("One  two\n\n\nthree.")
    with pytest.raises(LedgerLostTrack, match=r"added '\\n' near offset 3"):
        spaced.follow("One\ntwo\n\nthree.")


@pytest.mark.parametrize("seed", sorted(RAW.glob("0*.txt")), ids=lambda path: path.stem)
def test_every_removal_of_a_seed_is_its_text_at_its_offsets_in_the_normalised_text(seed):
    cleaner = Cleaner(RULES, CleanOptions(ledger=True))
    article = Article(id=seed.stem, text=seed.read_text(encoding="utf-8"), source=str(seed))
    clean, normalised = clean_seeing_ledger(cleaner, article)
    assert clean.removals
    for removal in clean.removals:
        assert normalised[0][removal.start:removal.end] == removal.text
    hits = {rule: sum(1 for r in clean.removals if r.cause == rule) for rule in clean.stats["rules"]}
    assert hits == clean.stats["rules"]
    assert sum(1 for r in clean.removals if r.step == "headline_repeats") == clean.stats["headline_repeats"]


def scraped_pages():
    for line in (FIXTURES / "blocks" / "scraped.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        yield Article(id=record["id"], text=record["text"], source="f", url=record["url"], title=record["title"])


def test_a_block_rule_is_one_removal_spanning_its_lines_as_they_were():
    # The ABC video page of fixtures/blocks/: its sidebar is one block of many lines.
    page = next(article for article in scraped_pages() if article.id == "f5e7102a90680611")
    clean, normalised = clean_seeing_ledger(Cleaner(RULES, CleanOptions(ledger=True)), page)
    (block,) = [removal for removal in clean.removals if removal.cause == "abc-video-sidebar"]
    assert normalised[0][block.start:block.end] == block.text
    assert block.text.startswith("Additional Live Streams") and block.text.count("\n") > 20
    assert block.replacement.strip() == ""   # the blank lines the emptied lines leave


def test_keep_ships_the_text_as_before_the_rules_and_the_ledger_forgets_their_removals():
    # The seed with hover cards, and a share limit every rule hit passes.
    seed = next(RAW.glob("002_*.txt"))
    article = Article(id="seed", text=seed.read_text(encoding="utf-8"), source=str(seed))
    kept = Cleaner(RULES, CleanOptions(ledger=True, max_removed_share=0.001, mass_removal="keep")).clean(article)
    assert kept.stats["mass_removal"] and kept.stats["rules"] == {"hover-card": 3}
    assert "MORE" in kept.text
    assert [removal.cause for removal in kept.removals if removal.step == "rules"] == []


def test_the_ledger_changes_no_output_of_the_fixtures():
    checked = 0
    for article in articles(FIXTURES):
        on, off = outcome(Cleaner(RULES, CleanOptions(ledger=True)), article), outcome(Cleaner(RULES), article)
        assert on[:3] == off[:3] if isinstance(on, tuple) else on == off, article.id
        checked += 1
    assert checked > 20


def test_with_the_ledger_off_nothing_is_recorded():
    seed = next(RAW.glob("002_*.txt"))
    clean = Cleaner(RULES).clean(Article(id="seed", text=seed.read_text(encoding="utf-8"), source=str(seed)))
    assert clean.removals == ()
    assert clean.stats["rules"] == {"hover-card": 3}


def test_run_with_ledger_lists_exactly_the_seeds_removals(tmp_path):
    done = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path), "--ledger", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    # One line per document, its removals in text order.
    assert read_output(tmp_path, "removed") == sort_records(read_jsonl(EXPECTED / "removed.jsonl"))


def test_run_without_ledger_writes_no_ledger(tmp_path):
    done = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path), *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob("removed-*"))


def test_ledger_counts_agree_with_the_summary_counters(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(next(RAW.glob("000_*.txt")).read_bytes())
    (raw / "hill.txt").write_bytes(next(RAW.glob("002_*.txt")).read_bytes())
    lines = [{"id": "only-cruft", "text": "Storm hits coast\n\n2 min read\n\nStorm hits coast"},   # empty_after_cleaning
             {"id": "empty", "text": "\u200b \n"},                                                  # empty_text
             {"id": "dup", "text": "Storm hits coast\n\n3 min read\n\nWinds of 100 km/h."},
             {"id": "dup-2", "text": "Storm hits coast\n\n3 min read\n\nWinds of 100 km/h."}]
    (raw / "wire.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n{not json\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("run", "--input", str(raw / "*"), "--output", str(out), "--ledger", "--dedup", "exact", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    removed = read_removals(out)
    by_rule: dict = {}
    for removal in removed:
        if removal["step"] == "rules":
            by_rule[removal["cause"]] = by_rule.get(removal["cause"], 0) + 1
    assert by_rule == {name: rule["hits"] for name, rule in summary["rules"].items() if rule["hits"]}
    # The seed, dup and dup-2; the read time of the rejected document is in its whole-document removal.
    assert by_rule == {"read-time-line": 3, "comment-widget": 2, "hover-card": 3}
    assert sum(r["step"] == "headline_repeats" for r in removed) == summary["headline_repeats_removed"]
    assert sum(r["step"] == "repeated_paragraphs" for r in removed) == summary["repeated_paragraphs_removed"]
    rejected = {r["id"]: r["cause"] for r in removed if r["step"] == "rejected"}
    # The cleaner's rejections are whole-document removals; a line that never parsed has no document to remove from.
    assert rejected == {"only-cruft": "empty_after_cleaning", "empty": "empty_text"}
    assert summary["rejected_by_reason"] == {"empty_after_cleaning": 1, "empty_text": 1, "invalid_json": 1}
    assert summary["documents"]["duplicates"] == 1   # its removals are counted, as the rule counters count them


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_in_the_corpus_every_removal_is_its_text_at_its_offsets_and_the_ledger_changes_no_output():
    cleaner, without = Cleaner(RULES, CleanOptions(ledger=True)), Cleaner(RULES)
    drafts: list = []
    checked = 0
    for article in articles(CORPUS):
        drafts.clear()
        on = outcome(cleaner, article, lambda _step, draft: drafts.append(draft))
        off = outcome(without, article)
        # The ledger changes nothing else: a rule's replacement runs through another code path when it is on.
        assert on[:3] == off[:3] if isinstance(on, tuple) else on == off, article.id
        if isinstance(on, str):
            continue
        _, _, stats, removals = on
        normalised = drafts[-1].ledger.normalised
        for removal in removals:
            assert normalised[removal.start:removal.end] == removal.text, (article.id, removal)
            assert (removal.before, removal.after) == (normalised[max(0, removal.start - CONTEXT_CHARS):removal.start],
                                                       normalised[removal.end:removal.end + CONTEXT_CHARS])
        assert sum(removal.step == "rules" for removal in removals) == sum(stats["rules"].values())
        checked += len(removals)
    assert checked > 10_000
