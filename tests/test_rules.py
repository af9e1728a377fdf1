import time

import pytest

from pipeline.records import Rejected
from pipeline.rule_files import load_rules
from pipeline.rules import (
    CompiledRule,
    Example,
    Rule,
    RuleError,
    apply_rules,
    check_examples,
    example_failures,
    parse_rule_file,
    parse_rules,
)
from tests.conftest import BUNDLED_RULES

VALID = '''
[[rules]]
name = "ad-line"
description = "An advertisement placeholder line."
pattern = '^ADVERTISEMENT$'
flags = ["MULTILINE"]
keep = ["Advertisement revenue fell."]

[[rules.examples]]
input = "One.\\n\\nADVERTISEMENT\\n\\nTwo."
output = "One.\\n\\nTwo."
'''


def rule(pattern: str, name: str = "r", replacement: str = "", **kwargs) -> Rule:
    return Rule(name=name, description="d", pattern=pattern, file="test.toml", replacement=replacement, **kwargs)


def test_parse_reads_every_field():
    [parsed] = parse_rule_file("rules/ads.toml", VALID.encode())
    assert parsed == Rule(
        name="ad-line", description="An advertisement placeholder line.", pattern="^ADVERTISEMENT$",
        file="rules/ads.toml", flags=("MULTILINE",),
        examples=(Example("One.\n\nADVERTISEMENT\n\nTwo.", "One.\n\nTwo."),), keep=("Advertisement revenue fell.",),
    )


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace('name = "ad-line"', 'name = "ad-line"\nseverity = "high"'),
     "rules/ads.toml: rule 'ad-line': unknown key(s) ['severity']"),
    (lambda t: t.replace('description = "An advertisement placeholder line."\n', ""),
     "rules/ads.toml: rule 'ad-line': missing required key(s) ['description']"),
    (lambda t: t.replace("'^ADVERTISEMENT$'", r"'^\x{00A0}ADVERTISEMENT$'"),
     "rules/ads.toml: rule 'ad-line': pattern does not compile: incomplete escape \\x at position 3 "
     "(the regex module writes \\u00A0, not \\x{00A0})"),
    (lambda t: t.replace('["MULTILINE"]', '["MULTILNE"]'),
     "rules/ads.toml: rule 'ad-line': unknown flag(s) ['MULTILNE']"),
    (lambda t: t.replace('keep = ["Advertisement revenue fell."]', "keep = []"),
     "rules/ads.toml: rule 'ad-line': 'keep' must list at least one look-alike"),
    (lambda t: t.replace('output = "One.\\n\\nTwo."', 'output = "One.\\n\\nADVERTISEMENT\\n\\nTwo."'),
     "rules/ads.toml: rule 'ad-line': example 1 does not change its input"),
    (lambda t: t.replace('output = ', 'outptu = '),
     "rules/ads.toml: rule 'ad-line': example 1 has unknown key(s) ['outptu']"),
    (lambda t: t.replace('flags = ["MULTILINE"]', 'scope = { site = ["a.com"] }'),
     "rules/ads.toml: rule 'ad-line': 'scope' must be a table with 'sites' and/or 'urls'"),
    (lambda t: t.replace('name = "ad-line"', 'name = "Ad Line"'),
     "rules/ads.toml: rules[0] needs a 'name' of lower-case letters"),
    (lambda t: t.replace("[[rules]]", "[[rule]]"), "rules/ads.toml: unknown top-level key(s) ['rule']"),
    (lambda t: t.replace('name = "ad-line"', 'name = "ad-line'), "rules/ads.toml: not valid TOML:"),
])
def test_loader_errors_name_file_rule_and_problem_on_one_line(edit, message):
    with pytest.raises(RuleError) as error:
        CompiledRule(*parse_rule_file("rules/ads.toml", edit(VALID).encode()))
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_duplicate_names_across_files_are_refused():
    with pytest.raises(RuleError, match=r"b\.toml: rule 'ad-line': name already used in a\.toml"):
        parse_rules([("a.toml", VALID.encode()), ("b.toml", VALID.encode())])


def test_parse_rules_keeps_file_order_then_rule_order():
    second = VALID.replace("ad-line", "other-line")
    assert [r.name for r in parse_rules([("b.toml", second.encode()), ("a.toml", VALID.encode())])] == \
        ["other-line", "ad-line"]


def test_rules_apply_in_order_and_count_hits():
    rules = [CompiledRule(rule("cat", "first", "dog")), CompiledRule(rule("dog", "second", "fox"))]
    assert apply_rules("cat dog cat", rules, None, "a.txt") == ("fox fox fox", {"first": 2, "second": 3})


def test_rules_that_do_not_match_are_not_reported():
    assert apply_rules("text", [CompiledRule(rule("zzz"))], None, "a.txt") == ("text", {})


def test_site_scope_matches_the_host_and_its_subdomains_only():
    scoped = CompiledRule(rule("x", sites=("thehill.com",)))
    assert scoped.applies_to("https://thehill.com/a", "f.jsonl")
    assert scoped.applies_to("https://www.thehill.com/a", "f.jsonl")
    assert not scoped.applies_to("https://notthehill.com/a", "f.jsonl")
    assert not scoped.applies_to(None, "thehill.com.txt")


def test_url_scope_searches_the_url_or_else_the_source_path():
    scoped = CompiledRule(rule("x", urls=(r"/opinion/",)))
    assert scoped.applies_to("https://a.com/opinion/1", "f.jsonl")
    assert not scoped.applies_to("https://a.com/news/1", "in/opinion/f.jsonl")
    assert scoped.applies_to(None, "in/opinion/f.txt")


def test_out_of_scope_rules_do_not_run():
    rules = [CompiledRule(rule("x", sites=("a.com",)))]
    assert apply_rules("x", rules, "https://b.com/", "f") == ("x", {})
    assert apply_rules("x", rules, "https://a.com/", "f") == ("", {"r": 1})


def test_a_rule_that_runs_too_long_rejects_the_document_with_its_name():
    slow = CompiledRule(rule(r"(a|aa)+$", name="backtracker"))
    started = time.monotonic()
    with pytest.raises(Rejected) as error:
        apply_rules("a" * 60 + "b", [slow], None, "f", timeout=0.2)
    assert time.monotonic() - started < 5
    assert (error.value.stage, error.value.reason) == ("rules", "rule_timeout")
    assert "rule 'backtracker' (test.toml)" in error.value.detail


def test_check_examples_reports_each_failure_with_file_and_rule():
    broken = rule(r"(?m)^Share$", name="share-line", examples=(Example("A\n\nShare\n\nB", "A\n\nB!"),),
                  keep=("Share prices rose.", "Share"))
    assert check_examples(broken) == [
        "test.toml: rule 'share-line': example 1: expected 'A\\n\\nB!', got 'A\\n\\nB'",
        "test.toml: rule 'share-line': look-alike 2: expected 'Share', got ''",
    ]


def test_check_examples_reports_a_replacement_that_fails():
    broken = rule("a", replacement=r"\g<missing>", examples=(Example("a", "b"),), keep=("c",))
    assert check_examples(broken)[0] == "test.toml: rule 'r': example 1: replacement does not work: unknown group"


def test_examples_are_compared_after_layout_tidying():
    line_rule = rule(r"(?m)^ADVERTISEMENT$", examples=(Example("One.\n\nADVERTISEMENT\n\nTwo.", "One.\n\nTwo.\n"),),
                     keep=("ADVERTISEMENTS",))
    assert check_examples(line_rule) == []


def test_bundled_rules_load_and_pass_their_examples():
    rules = load_rules([str(BUNDLED_RULES)])
    assert rules
    assert example_failures(rules) == []
