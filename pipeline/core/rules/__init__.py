"""Cleanup rules: the TOML files users write, checked, compiled and applied.

- ``schema``: the file format, parsed into plain :class:`Rule` data;
- ``compiled``: what a rule means (line rule or not, scope, ``requires``), per process;
- ``gate``: which line rules a line's first characters allow;
- ``literals``: the literals every match of a pattern holds, and all of them found in a text in one pass;
- ``engine``: :class:`RuleSet`, every rule in order with the gate's shortcuts;
- ``loader``: file contents to checked rules; ``checks``: examples and look-alikes;
- ``cost``: each rule's measured share of the time (``rules cost``).

Finding and reading rule files on any Beam filesystem is ``pipeline.beam.rule_files``.
"""

from pipeline.core.rules.checks import check_examples, example_failures
from pipeline.core.rules.compiled import CompiledRule
from pipeline.core.rules.engine import RuleSet
from pipeline.core.rules.gate import LineGate
from pipeline.core.rules.loader import parse_rules
from pipeline.core.rules.schema import FLAGS, Block, Example, Rule, RuleError, parse_rule_file

__all__ = [
    "FLAGS", "Block", "CompiledRule", "Example", "LineGate", "Rule", "RuleError", "RuleSet",
    "check_examples", "example_failures", "parse_rule_file", "parse_rules",
]
