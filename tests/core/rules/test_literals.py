import pytest
import regex
from regex import _regex

from pipeline.beam.rule_files import load_rules
from pipeline.core.budget import Budget
from pipeline.core.rules import CompiledRule, Rule, RuleSet
from pipeline.core.rules.literals import (
    FOLDING,
    Derived,
    LiteralIndex,
    derive,
    searchable,
    starts_at_line_starts,
    stays_within_lines,
)
from tests.conftest import BUNDLED_RULES
from tests.reference import apply_rules_one_by_one

MULTI, NOCASE = int(regex.MULTILINE), int(regex.IGNORECASE)


def rule(pattern: str, name: str = "r", replacement: str = "", **kwargs) -> Rule:
    return Rule(name=name, description="d", pattern=pattern, file="test.toml", replacement=replacement, **kwargs)


@pytest.mark.parametrize("pattern, flags, literals", [
    (r"^[^\n]{0,200}?\b(?:comments?|discuss)\b[^\n]*$", MULTI, ("comment", "discuss")),
    (r"^Read more$", MULTI | NOCASE, ("read more",)),
    (r"^(?:Updated|Posted)[ ]+\d+", MULTI, ("Posted ", "Updated ")),        # a repeat's copies join the text before it
    (r"click[ ]{2,}here", 0, ("click  ",)),
    (r"\d+ min(?:ute)?s? read", 0, (" read",)),                         # the rarest run ('min' is in 'admin')
    (r"(?i)advert[i1]sement", 0, ("advert1sement", "advertisement")),  # an inline flag folds as a listed one
    (r"Getty\s+Images", 0, ("Images",)),                                # \s is a property: either side alone
    (r"(?<=Photo: )\w+ \w+", 0, None),                                  # what a lookbehind sees is not in the match
    (r"^\w+ \d+$", MULTI, None),                                            # anything can match
    (r"(?e)(?:advertisement){e<=1}", 0, None),                          # fuzzy: anything near the literal
    (r"(?fi)strasse", 0, None),                                         # full case folding: 'ß' matches 'ss'
    (r"^\s*$", MULTI, None),                                                # spaces only filter nothing
    (r"([", 0, None),                                                   # does not parse: tried everywhere
])
def test_derive_finds_what_every_match_must_hold(pattern, flags, literals):
    derived = derive(pattern, flags)
    assert (derived.literals if derived else None) == literals


def test_derived_literals_are_folded_only_when_the_pattern_ignores_case():
    assert derive(r"MORE", 0) == Derived(("MORE",), folded=False)
    assert derive(r"MORE", NOCASE) == Derived(("more",), folded=True)
    # A character whose case variants do not fold to one (the Kelvin sign matches 'k' and 'K') is kept; one
    # that regex lets match more than lower-casing finds ('ſ', the long s, matches 's') is mapped.
    assert derive(r"desk", NOCASE) == Derived(("desk",), folded=True)
    assert searchable(["Read More"], folded=True) == Derived(("read more",), folded=True)


def test_folding_agrees_with_regex_ignorecase_on_every_bmp_character():
    odd_of: dict[str, tuple[tuple[str, str], ...]] = {}
    checked = 0
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = FOLDING.literal(char)
        if folded is None:
            continue
        odd = odd_of.setdefault(folded, FOLDING.odd_variants(folded))
        for variant in map(chr, _regex.get_all_cases(NOCASE | int(regex.UNICODE), code) or [code]):
            # Every text regex matches the literal character in, folds to the literal character.
            assert regex.fullmatch(regex.escape(char), variant, NOCASE), (char, variant)
            assert FOLDING.fold(variant, odd) == folded, (hex(code), variant)
            checked += 1
    assert checked > 60000


def test_folding_keeps_line_breaks_where_they_were():
    text = "İstanbul\nISTANBUL\nıstanbul\nſtop"
    folded = FOLDING.fold(text, FOLDING.odd_variants("istanbulop"))
    assert folded == "istanbul\nistanbul\nistanbul\nstop"
    assert FOLDING.fold("Line one\nLINE two", ()) == "line one\nline two"


@pytest.mark.parametrize("pattern, flags, within", [
    (r"^(?:updated|posted)[ ]+[^\n]{0,40}(?![^\n]*--)$", MULTI, True),
    (r"\w+ MORE", 0, True),                       # \w never matches a line break
    (r"^share(?:\n+twitter)+", MULTI, False),        # a run of lines
    (r"Sponsored\s+by", 0, False),                # \s matches a line break
    (r"\AHeadline", 0, False),                    # the text's start is not a line's
    (r"^Foo", 0, False),                          # without MULTILINE, ^ is the text's start
    (r"(?=x)", 0, False),                         # an empty match
    (r"(?s)a.b", 0, False),                       # '.' with DOTALL matches a line break
])
def test_stays_within_lines(pattern, flags, within):
    assert stays_within_lines(pattern, flags) is within


@pytest.mark.parametrize("pattern, flags, starts", [
    (r"^(?:facebook|twitter)[ ]*(?:\n+(?:facebook|twitter)[ ]*)+(?=\n|\Z)", MULTI | NOCASE, True),
    (r"\AHeadline\n+", 0, True),                  # the text's start is a line's
    (r"^Foo\nBar", 0, True),                       # without MULTILINE, ^ is the text's start
    (r"(?:^Share|^Tweet)\n", MULTI, True),         # every branch starts a line
    (r"^Share|Tweet\n", MULTI, False),             # the second branch starts anywhere
    (r"Share\n^Tweet", MULTI, False),
    (r"(?r)^Share\n", MULTI, False),               # searched backwards
    (r"(?w)^Share\n", MULTI, False),               # Unicode line breaks start lines after other characters
    (r"^(?=x)", MULTI, False),                     # an empty match
])
def test_starts_at_line_starts(pattern, flags, starts):
    assert starts_at_line_starts(pattern, regex.compile(pattern, flags).flags) is starts


@pytest.mark.parametrize("pattern, replacement, text", [
    # A match that ends where a line starts, and one right after it.
    (r"^(?:Share|Tweet)(?:\n+(?:Share|Tweet))+\n?", "", "Body.\nShare\nTweet\nShare\nEnd.\nTweet\n\nShare\nTweet\n"),
    # Groups in the replacement; a match that ends inside a line; the text's last line.
    (r"^(Photo): (\w+)\n(\w+)", r"\3 (\1 \2)", "Photo: Reuters\nBody Photo: x\nPhoto: AP\nLast"),
    (r"^Share\nTweet\n?", "", "Share\nTweet\nShare\nTweet"),   # the second starts where the first ends
    (r"^Share\n+Tweet", "", ""),
])
def test_a_rule_tried_at_line_starts_finds_what_a_whole_text_search_finds(pattern, replacement, text):
    compiled = CompiledRule(rule(pattern, replacement=replacement, flags=("MULTILINE",)))
    assert compiled.starts_lines
    cuts: list = []
    expected_cuts: list = []
    assert compiled.apply_at_line_starts(text, Budget(2.0), cuts) == compiled.apply_whole(text, Budget(2.0),
                                                                                         expected_cuts)
    assert cuts == expected_cuts


def test_the_index_finds_each_rules_lines_in_one_pass_in_either_case():
    index = LiteralIndex([Derived(("MORE",), folded=False), None, Derived(("read more",), folded=True)])
    text = "Ann Lee MORE said.\nBob\nREAD MORE\nmore\nRead more"
    found = index.find(text)
    assert found == {0: {0, 2}, 2: {2, 4}}
    assert index.find("nothing here") == {}


@pytest.mark.parametrize("rules, text", [
    # A replacement creates a literal a later rule needs.
    ([rule(r"Sponsor", "make", "Advertisement"), rule(r"^Advertisement$", "ad", flags=("MULTILINE",))],
     "Body.\nSponsor\nEnd."),
    # A pass of line rules joins two lines' breaks, making the literal "\n\n\n" of a later rule.
    ([rule(r"^Share$", "share", flags=("MULTILINE",)), rule(r"\n\n\n+", "gaps", "\n\n")],
     "Body.\n\nShare\n\nEnd."),
    # A line rule after a rule that stays within lines, on a line that rule changed.
    ([rule(r"\w+ \w+ MORE", "card"), rule(r"^Read the rest$", "rest", flags=("MULTILINE", "IGNORECASE"))],
     "Ann Lee MOREread the rest\nBody.\nRead THE rest"),
    # A rule tried at line starts only, after a pass of line rules that emptied a line of its run.
    ([rule(r"^Email$", "email", flags=("MULTILINE",)),
      rule(r"^(?:Share|Tweet)(?:\n+(?:Share|Tweet))+", "column", flags=("MULTILINE",))],
     "Body.\nShare\nEmail\nTweet\nEnd."),
    # A literal in a case regex folds that lower-casing alone would not ('İ' for 'i').
    ([rule(r"^ilan$", "ilan", flags=("MULTILINE", "IGNORECASE"))], "İLAN\nIlan\nılan\nBody."),
])
def test_the_engine_with_literals_equals_each_rule_on_its_own(rules, text):
    compiled = RuleSet(rules)
    expected = apply_rules_one_by_one(compiled.rules, text, None, "f", Budget(2.0))
    assert compiled.apply(text, None, "f", Budget(2.0)) == expected
    assert expected[1]   # each case changes the text


def test_site_rules_literals_are_looked_for_only_in_their_sites_documents():
    rules = RuleSet([rule(r"^Share$", "share", flags=("MULTILINE",)),
                     rule(r"\w+ Promo", "promo", sites=("a.com",)),
                     rule(r"^Watch[ ]more$", "watch", flags=("MULTILINE",), sites=("b.a.com",))])
    text = "Share\nThe Promo here\nWatch more\nBody."
    assert rules.find(text, []) == {0: {0}}
    assert rules.find(text, rules.sites_of("https://b.a.com/x")) == {0: {0}, 1: {1}, 2: {2}}
    for url in ("https://b.a.com/x", "https://a.com/x", "https://c.com/x", None):
        expected = apply_rules_one_by_one(rules.rules, text, url, "f", Budget(2.0))
        assert rules.apply(text, url, "f", Budget(2.0)) == expected
    assert rules.apply(text, "https://b.a.com/x", "f", Budget(2.0))[1] == {"share": 1, "promo": 1, "watch": 1}


def _derived_from_the_pattern() -> list[CompiledRule]:
    # A block rule's literals come from its label, which the label test of the block's examples covers.
    return [compiled for compiled in RuleSet(load_rules([str(BUNDLED_RULES)])).rules
            if compiled.derived is not None and compiled.label is None]


@pytest.mark.parametrize("compiled", _derived_from_the_pattern(), ids=lambda compiled: compiled.name)
def test_every_match_of_a_bundled_rule_holds_one_of_its_literals(compiled):
    """Soundness on the rules users ship: each match in each example holds a literal (folded when they are)."""
    derived = compiled.derived
    assert derived is not None
    odd = FOLDING.odd_variants({char for literal in derived.literals for char in literal})
    texts = [example.input for example in compiled.rule.examples] + list(compiled.rule.keep)
    for text in texts:
        for match in compiled.pattern.finditer(text):
            held = FOLDING.fold(match.group(), odd) if derived.folded else match.group()
            assert any(literal in held for literal in derived.literals), (match.group(), derived.literals)
