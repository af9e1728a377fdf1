"""Drafting: blocks, rule files that pass their own tests, and what is left out and why."""

from collections import Counter

from pipeline.core.mine.draft import block_pattern, blocks, draft_site, render_rule, rule_problems, slug
from pipeline.core.mine.tally import (
    MinedDoc,
    MineOptions,
    ShapeTally,
    SiteEvidence,
    SiteStats,
    occurrences,
    repeated,
    scan,
    words,
)
from pipeline.core.rules.schema import parse_rule_file

ENDINGS = ["mayor", "council", "harbour master", "school head", "bus driver", "market trader"]
PROSE = ["The council met on Tuesday and agreed a new budget for the roads.",
         "Residents asked the council for more buses on the weekend routes.",
         "Officials said the weekly market would move to the harbour in June."]


def site_pages(count: int = 6) -> list[MinedDoc]:
    pages = []
    for i in range(count):
        text = "\n\n".join([f"Menu {i}", PROSE[i % 3].replace("the", f"the {i}", 1), "Share this", "Email us",
                            f"The story ends with a quote from the {ENDINGS[i]}."])
        pages.append(MinedDoc("a.com", "a.com", f"k{i}", f"a-{i}", text))
    return pages


def mine(pages: list[MinedDoc]):
    tallies: dict[str, ShapeTally] = {}
    stats = SiteStats()
    for page in pages:
        stats.add(page)
        for shape, occurrence in occurrences(page):
            tallies.setdefault(shape, ShapeTally()).add(occurrence)
    site_docs = Counter({"a.com": len(stats.docs)})
    candidates = [c for shape, tally in sorted(tallies.items()) for _, _, c in repeated(shape, tally, site_docs, MineOptions())]
    evidence = SiteEvidence()
    variants = {c.shape: words(c.shape) for c in candidates}
    for page in pages:
        evidence.merge(scan(page, variants, set()))
    return stats, candidates, evidence


def test_lines_printed_together_are_one_block_in_page_order():
    _, candidates, evidence = mine(site_pages())
    assert [[c.shape for c in block] for block in blocks(candidates, evidence)] == [
        ["Menu \ue000"], ["Share this", "Email us"]]


def test_a_site_draft_passes_its_own_tests_and_says_what_it_found():
    stats, candidates, evidence = mine(site_pages())
    draft = draft_site("a.com", stats, candidates, [], evidence, MineOptions(), "pages.jsonl")
    assert draft.rules == 2 and draft.slug == "a.com"
    rules = parse_rule_file("a.com.toml", draft.toml.encode("utf-8"))
    assert [(r.name, r.pattern, r.sites) for r in rules] == [
        ("mine-a.com-01", r"^Menu[ ]\d+(?:[.,:]\d+)*$", ("a.com",)),
        ("mine-a.com-02", "^(?:Share[ ]this|Email[ ]us)$", ("a.com",))]
    share = rules[1]
    assert share.examples[0].input == ("The council met on Tuesday and agreed a new budget for the 0 roads.\n\n"
                                       "Share this\n\nEmail us\n\nThe story ends with a quote from the mayor.")
    assert share.examples[0].output == ("The council met on Tuesday and agreed a new budget for the 0 roads.\n\n"
                                        "The story ends with a quote from the mayor.")
    assert all(not rule_problems("a.com.toml", render_rule(r.name, r.description, r.pattern, ["a.com"], list(r.keep),
                                                           [(e.input, e.output) for e in r.examples], "c"))
               for r in rules)
    assert "| `Share this` | 6 | 100.0% | 6 / 0 / 0 | `Share this` ×6 |" in draft.report
    assert "Example pages: a-0, a-1, a-2, a-3, a-4" in draft.report


def test_a_block_without_prose_on_its_site_is_left_out_and_named():
    pages = [MinedDoc("a.com", "a.com", f"k{i}", f"a-{i}", f"Short {i}\n\nFooter") for i in range(5)]
    stats, candidates, evidence = mine(pages)
    draft = draft_site("a.com", stats, candidates, [], evidence, MineOptions(), "pages.jsonl")
    assert draft.rules == 0 and draft.toml == ""
    assert "- 'Short <N>': no prose line of the site to use as a look-alike" in draft.report


def test_rule_problems_names_a_failing_example_and_a_text_rule():
    text = render_rule("mine-x-01", "d", "^Footer$", ["x.com"], ["Prose stays."], [("A.\n\nFooter", "wrong")], "c")
    assert rule_problems("x.toml", text) == ["x.toml: rule 'mine-x-01': example 1: expected 'wrong', got 'A.'"]
    text = render_rule("mine-x-01", "d", "Footer", ["x.com"], ["Prose stays."], [("A. Footer", "A. ")], "c")
    assert rule_problems("x.toml", text) == ["x.toml: rule 'mine-x-01': not a line rule"]


def test_names_and_patterns():
    assert slug("The Hill") == "the-hill" and slug("bbc.co.uk") == "bbc.co.uk"
    _, candidates, _ = mine(site_pages())
    assert block_pattern([c for c in candidates if c.shape == "Share this"]) == "^Share[ ]this$"


def test_lines_that_introduce_what_follows_are_left_out_as_headings():
    pages = [MinedDoc("a.com", "a.com", f"k{i}", f"a-{i}",
                      f"{PROSE[i % 3].replace('the', f'the {i}', 1)}\n\nWhat are the details?\n\n"
                      f"The story ends with a quote from the {ENDINGS[i]}.") for i in range(6)]
    stats, candidates, evidence = mine(pages)
    draft = draft_site("a.com", stats, candidates, [], evidence, MineOptions(), "pages.jsonl")
    assert draft.rules == 0
    assert "- 'What are the details?' (6 pages): ends with ':' or '?', a heading of the article's template" in draft.report
