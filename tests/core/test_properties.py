"""Property-based tests of the cleaning core (hypothesis).

CI runs the 'ci' profile: a fixed seed and a bounded number of examples. For a
longer search, run by hand:  HYPOTHESIS_PROFILE=long ./run_local.sh test tests/core/test_properties.py
"""

import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.beam.rule_files import load_rules
from pipeline.core.budget import Budget
from pipeline.core.clean import Cleaner
from pipeline.core.normalize import (
    ZERO_WIDTH,
    NormalizeOptions,
    UnicodeFixer,
    fix_unicode,
    normalize,
    normalize_spaces,
    tidy_layout,
)
from pipeline.core.records import Article, Rejected
from pipeline.core.rules import RuleSet
from tests.conftest import BUNDLED_RULES, FIXTURES

RULES = load_rules([str(BUNDLED_RULES)])
CLEANER, RULE_SET = Cleaner(RULES), RuleSet(RULES)
FIXER = UnicodeFixer(NormalizeOptions())
GOLD_PARAGRAPHS = [p for line in (FIXTURES / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
                   for p in json.loads(line)["text"].split("\n\n")]
HEADLINES = [json.loads(line)["title"] for line in (FIXTURES / "eval" / "gold.jsonl").read_text().splitlines()]
CRUFT_LINES = ["ADVERTISEMENT", "3 minutes", "• Comments", "Loading comments...", "Share", "Read more: More news",
               "Copyright © 2020 Example Media. All rights reserved.", "Story continues below advertisement",
               "More:", "Watch:", "CLOSE", "Facebook Twitter Email", "Sign up for our daily newsletter"]
LOOK_ALIKES = ["ADVERTISEMENT spending rose by a fifth, the firm said.",
               "The session lasted 2 minutes before it was adjourned.",
               "Comments from the chairman were not reported.", "Shares in the firm rose 3%."]


def render(clean) -> str:
    return f"{clean.title}\n\n{clean.text}" if clean.title else clean.text


def clean_or_none(text: str, title: str | None = None):
    try:
        return CLEANER.clean(Article(id="p", text=text, source="p.txt", title=title))
    except Rejected:
        return None


def assert_tidy(text: str) -> None:
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in text)
    assert not any(c in ZERO_WIDTH for c in text)
    assert "\n\n\n" not in text and "  " not in text
    assert text == text.strip()


@given(st.text())
def test_arbitrary_unicode_never_raises_anything_but_a_rejection(text):
    clean = clean_or_none(text)
    if clean is not None:
        assert_tidy(clean.title)
        assert_tidy(clean.text)
        assert clean.text


@given(st.text())
def test_cleaning_clean_output_changes_nothing(text):
    clean = clean_or_none(text)
    if clean is not None:
        again = clean_or_none(render(clean))
        assert again is not None
        assert (again.title, again.text) == (clean.title, clean.text)


def damage(draw, paragraph: str) -> str:
    kind = draw(st.sampled_from(["none", "zero-width", "nbsp", "mojibake", "spaces", "crlf"]))
    if kind == "zero-width":
        at = draw(st.integers(0, len(paragraph)))
        return paragraph[:at] + draw(st.sampled_from(ZERO_WIDTH)) + paragraph[at:]
    if kind == "nbsp":
        return paragraph.replace(" ", "\u00a0", 2)
    if kind == "mojibake":
        return paragraph.encode("utf-8").decode("cp1252", errors="replace")
    if kind == "spaces":
        return "  " + paragraph.replace(" ", "   ", 1) + " \t"
    if kind == "crlf":
        return paragraph + "\r"
    return paragraph


@st.composite
def damaged_articles(draw):
    headline = draw(st.sampled_from(HEADLINES))
    paragraphs = draw(st.lists(st.sampled_from(GOLD_PARAGRAPHS + CRUFT_LINES + LOOK_ALIKES), min_size=1, max_size=8))
    if draw(st.booleans()):
        paragraphs.insert(0, headline)
    blocks = [headline] + [damage(draw, p) for p in paragraphs]
    return "\n\n".join(blocks), paragraphs


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(damaged_articles())
def test_every_paragraph_that_is_removed_is_claimed_by_a_rule_or_the_headline(article):
    text, _ = article
    clean = clean_or_none(text)
    normalized_body = normalize(text, FIXER).split("\n\n")[1:]
    for paragraph in normalized_body:
        claimed_by_rule = any(rule.apply(paragraph, Budget(2.0))[1] for rule in RULE_SET.rules)
        is_headline = paragraph.casefold() == normalize(text, FIXER).split("\n\n")[0].casefold()
        if not (claimed_by_rule or is_headline):
            assert clean is not None and paragraph in clean.text, paragraph


@pytest.mark.parametrize("look_alike", LOOK_ALIKES)
def test_look_alike_prose_survives_between_cruft(look_alike):
    text = "Headline\n\nADVERTISEMENT\n\n" + look_alike + "\n\n• Comments\nLoading comments..."
    assert CLEANER.clean(Article(id="a", text=text, source="a.txt")).text == look_alike


TYPOGRAPHY = "‘’“”–—…•€£©®°éèüñçÃÂâ€™\u00a0\u200b\r\x92\x85"


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(TYPOGRAPHY)))
def test_the_ftfy_fast_path_gives_exactly_what_ftfy_gives(text):
    assert FIXER.fix(text) == fix_unicode(text, FIXER.config)
    assert FIXER.repair(text) == normalize_spaces(fix_unicode(text, FIXER.config))


@given(st.lists(st.sampled_from(["plain words ", "don’t ", "“quoted” ", "A—B ", "café ", "Â£5 ", "â€™ ", "\r\n",
                                 "’”", "€•", "…”", "\n", "ﬁ", "x²", "&amp; ", "10\u00a0km ", "\t", "soft\u00adhyphen ",
                                 "zero\u200bwidth ", "’\u2009”"]), max_size=12).map("".join))
def test_the_fast_path_agrees_on_typical_mixtures_of_clean_and_damaged_text(text):
    assert FIXER.fix(text) == fix_unicode(text, FIXER.config)
    assert FIXER.repair(text) == normalize_spaces(fix_unicode(text, FIXER.config))


GATE = RULE_SET.gate
EXAMPLE_LINES = sorted({line for rule in GATE.rules for text in (*(e.input for e in rule.rule.examples), *rule.rule.keep)
                        for line in text.split("\n") if line})


@given(st.sampled_from(EXAMPLE_LINES), st.text(alphabet=" .:-|©\u00a0aZ9", max_size=4), st.integers(0, 60),
       st.sampled_from([str, str.upper, str.lower, str.title]))
def test_the_line_gate_never_rules_out_a_line_that_a_rule_matches(line, noise, at, case):
    for candidate in (case(line), case(line[:at] + noise + line[at:])):
        allowed = set(GATE.candidates(candidate)) | set(GATE.any_start)
        for index, rule in enumerate(GATE.rules):
            if rule.matches_line(candidate, Budget(2.0)):
                assert index in allowed, (rule.name, candidate)


@given(st.text(alphabet=" \nab", max_size=40))
def test_tidy_layout_is_its_specification(text):
    collapsed = re.sub(r"\n{3,}", "\n\n", re.sub(r" *\n *", "\n", re.sub(r" {2,}", " ", text)))
    assert tidy_layout(text) == collapsed.strip(" \n")
