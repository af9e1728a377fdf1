"""``newsclean rules test|list|cost``: rule files checked against their examples, listed in the order they run,
and each rule's share of the cleaning time on a sample."""

from __future__ import annotations

import argparse
import itertools

from pipeline.beam.rule_files import load_rules
from pipeline.commands.arguments import positive_int
from pipeline.commands.options import ConfigError, input_articles, input_paths, print_failures, rule_paths
from pipeline.core.clean import Cleaner
from pipeline.core.records import Rejected
from pipeline.core.rules import CompiledRule, Rule, RuleSet, example_failures
from pipeline.core.rules.cost import format_report, measure
from pipeline.core.steps import STEPS
from pipeline.core.steps.apply_rules import ApplyRules
from pipeline.core.terminal import shown

HELP = "work with rule files"
TAKES_BEAM_OPTIONS = False


class Args(argparse.Namespace):
    rules_command: str
    paths: list[str]
    no_bundled_rules: bool
    # rules cost only
    input: str
    sample: int
    top: int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="rules_command", required=True)
    for name, help in (("test", "load rule files and run their examples and look-alikes"),
                       ("list", "show the rules in the order they run, with file, scope and kind"),
                       ("cost", "clean a sample of articles and show each rule's share of the time, worst first")):
        command = commands.add_parser(name, help=help, allow_abbrev=False)
        command.add_argument("paths", nargs="*", metavar="PATH",
                             help="rule files or folders, after the bundled rules as in 'run --rules'")
        command.add_argument("--no_bundled_rules", action="store_true", help="only the PATHs given, not the bundled rules")
        if name == "cost":
            command.add_argument("--input", required=True, metavar="GLOB",
                                 help="articles to measure on, in any input format 'run' reads")
            command.add_argument("--sample", type=positive_int, default=2000, metavar="N",
                                 help="the first N readable articles (default 2000)")
            command.add_argument("--top", type=positive_int, default=30, metavar="N",
                                 help="show the N costliest rows (default 30)")


def main(args: Args, _beam_args: list[str]) -> int:
    return {"list": _list, "cost": _cost, "test": _test}[args.rules_command](args)


def _rule_paths(args: Args) -> list[str]:
    """The rule files a job with the same flags would load: the bundled ones first, unless told otherwise."""
    if args.no_bundled_rules and not args.paths:
        raise ConfigError("--no_bundled_rules leaves no rules: name rule files or folders")
    return rule_paths(args.paths, args.no_bundled_rules)


def _test(args: Args) -> int:
    rules = load_rules(_rule_paths(args))
    failures = example_failures(rules)
    print_failures(failures)
    checked = sum(len(rule.examples) + len(rule.keep) for rule in rules)
    print(f"{len(rules)} rules, {checked} examples: {len(failures)} failed")
    return 1 if failures else 0


def _cost(args: Args) -> int:
    rules = RuleSet(load_rules(_rule_paths(args)))
    # The text the rules see in the job: normalised, the headline taken out.
    before_rules = Cleaner([], steps=STEPS[:STEPS.index(ApplyRules)])
    documents = []
    for _, article in itertools.islice(input_articles(input_paths(args.input)), args.sample):
        try:
            documents.append((before_rules.clean(article).text, article.url, article.source))
        except Rejected:
            continue   # the job rejects it before its rules run
    if not documents:
        raise ConfigError(f"--input {args.input}: no document reaches the rules")
    print(shown(format_report(measure(rules, documents), args.top), lines=True))
    return 0


def _scope(rule: Rule) -> str:
    parts = [*(f"site {site}" for site in rule.sites), *(f"url /{url}/" for url in rule.urls)]
    return ", ".join(parts) or "every document"


def _kind(rule: Rule) -> str:
    if rule.block:
        return f"block rule ({rule.block.position}, {rule.block.min_lines}+ lines)"
    return "line rule" if CompiledRule(rule).is_line_rule else "text rule"


def _list(args: Args) -> int:
    rules = load_rules(_rule_paths(args))
    rows = [("#", "rule", "kind", "scope", "file")]
    rows += [(str(i), rule.name, _kind(rule), _scope(rule), rule.file) for i, rule in enumerate(rules, 1)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        print(shown("  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1]))
    return 0
