from pipeline.core.rules import Rule, RuleSet
from pipeline.core.rules.cost import LINE_GATE, LITERAL_SCAN, format_report, measure
from tests.conftest import FIXTURES, run_cli


def rule(pattern: str, name: str, replacement: str = "", **kwargs) -> Rule:
    return Rule(name=name, description="d", pattern=pattern, file=f"{name}.toml", replacement=replacement, **kwargs)


RULES = [
    rule(r"^Ad$", "ad", flags=("MULTILINE",)),
    rule(r"\w+ \w+ MORE", "card"),
    rule(r"^[^\n]{0,20}\d+ comments$", "comments", flags=("MULTILINE",)),
    rule(r"^[^\n]{0,30}\d+ \d+$", "score", flags=("MULTILINE",)),
]
DOCUMENTS = [
    ("Ad\nAnn Lee MORE said.\nBody line.\n12 comments", None, "a"),
    ("Body.\n\nFinal score 3 1\nMore body.", None, "b"),
]


def test_each_rule_is_timed_in_the_company_of_the_others_with_the_lines_it_was_tried_on():
    report = measure(RuleSet(RULES), DOCUMENTS)
    costs = {cost.name: cost for cost in report.costs}
    assert report.documents == 2
    assert [cost.seconds for cost in report.costs] == sorted((cost.seconds for cost in report.costs), reverse=True)
    assert {name: (cost.hits, cost.lines_tried) for name, cost in costs.items() if name in {"ad", "card", "comments"}} \
        == {"ad": (1, 1), "card": (1, 1), "comments": (1, 1)}   # each on the one line holding what it needs
    assert costs["ad"].looks_for == "its first words (line gate)"
    assert costs["card"].looks_for == "' MORE'"
    assert costs["comments"].looks_for == "' comments'"
    # Nothing a match must hold but a space, and any first character: tried on every line that is not empty
    # and that no rule before it in the pass took (5 of 7).
    assert (costs["score"].hits, costs["score"].lines_tried, costs["score"].unfiltered) == (1, 5, True)
    assert costs["score"].looks_for == "every line" and not costs["ad"].unfiltered
    assert costs[LITERAL_SCAN].lines_tried >= 7 and costs[LINE_GATE].lines_tried >= 7


def test_the_report_names_the_rules_with_no_literal_to_look_for():
    shown = format_report(measure(RuleSet(RULES), DOCUMENTS))
    header, columns, *rows = shown.splitlines()
    assert header.startswith("2 documents, rules and engine ")
    assert columns.split() == ["share", "ms", "lines", "tried", "hits", "rule", "looks", "for"]
    assert rows[-2].startswith("1 rules have no literal a match must hold")
    assert rows[-1].startswith("  score (score.toml): ")


def test_rules_cost_measures_the_bundled_rules_on_the_articles_given():
    done = run_cli("rules", "cost", "--input", str(FIXTURES / "raw" / "*"), "--top", "200")
    assert done.returncode == 0, done.stderr
    header, _, *rows = done.stdout.splitlines()
    assert header.startswith("7 documents, rules and engine ")   # 3 files and a JSONL of 4
    hits = {row.split()[4]: int(row.split()[3].replace(",", "")) for row in rows if row.split()[0].endswith("%")}
    assert hits["hover-card"] == 3 and hits["read-time-line"] == 3 and LITERAL_SCAN in done.stdout


def test_rules_cost_refuses_an_input_that_matches_nothing(tmp_path):
    done = run_cli("rules", "cost", "--input", str(tmp_path / "none*.jsonl"))
    assert (done.returncode, done.stdout) == (2, "")
    assert f"error: {tmp_path / 'none*.jsonl'} matches no file" in done.stderr
    missing = run_cli("rules", "cost")
    assert missing.returncode == 2 and "--input" in missing.stderr
