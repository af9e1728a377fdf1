"""What each rule costs on real text: ``python -m pipeline rules cost``.

The whole rule set runs as the job runs it (same engine, same shortcuts), with
each rule's entry points timed: the time a rule takes is the time spent in it,
in the company of every other rule, not its time alone. The engine's shared work
(finding every rule's literals, the line gate) is shown as rows of its own.
A rule from which no literal could be derived is tried wherever the line gate
lets it; those are the rules an author should narrow first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.budget import Budget
from pipeline.core.rules.compiled import CompiledRule
from pipeline.core.rules.engine import RuleSet
from pipeline.core.rules.literals import Derived

# The engine's shared work, shown beside the rules.
LITERAL_SCAN = "(finding literals)"
LINE_GATE = "(line gate)"
# A day, in seconds (regex wants a finite timeout).
_NO_DEADLINE = 86400.0


@dataclass
class Cost:
    """One rule's (or one shared task's) measured work over a sample."""

    name: str
    file: str
    seconds: float = 0.0
    lines_tried: int = 0
    hits: int = 0
    looks_for: str = ""    # what decides where the rule is tried
    unfiltered: bool = False   # nothing does: no literal, and a line rule's first words do not either
    _depth: int = field(default=0, repr=False)


@dataclass(frozen=True)
class CostReport:
    costs: list[Cost]   # worst first
    total_seconds: float
    documents: int


def measure(rules: RuleSet, documents: Iterable[tuple[str, str | None, str]]) -> CostReport:
    """Run ``rules`` on each (text, url, source) with every rule's work timed; the costs worst first."""
    costs = {rule.name: _cost(rule, searched, rule.name in rules.prefix_judged)
             for rule, searched in zip(rules.rules, rules.searched, strict=True)}
    for rule in rules.rules:
        _time_entry_points(rule, costs[rule.name])
    scan, gate = Cost(LITERAL_SCAN, ""), Cost(LINE_GATE, "")
    # Instance attributes shadow the methods for this RuleSet only (built for the measure, never the job's).
    rules.find = _timed(rules.find, scan, lambda args: args[0].count("\n") + 1)  # type: ignore[method-assign]
    rules.gate.screen = _timed(rules.gate.screen, gate, lambda args: len(args[0]))  # type: ignore[method-assign]
    count, start = 0, time.perf_counter()
    for text, url, source in documents:
        # No deadline worth the name: a slow rule is what this measures (the job's would reject its document).
        _, hits = rules.apply(text, url, source, Budget(_NO_DEADLINE))
        for name, hit in hits.items():
            costs[name].hits += hit
        count += 1
    total = time.perf_counter() - start
    ranked = sorted([*costs.values(), scan, gate], key=lambda cost: -cost.seconds)
    return CostReport(ranked, total, count)


def _cost(rule: CompiledRule, searched: Derived | None, prefix_judged: bool) -> Cost:
    if searched is not None:
        looks_for = _shown(searched.literals)
    elif prefix_judged:
        looks_for = "its first words (line gate)"
    else:
        looks_for = "every line" if rule.is_line_rule or rule.block else "the whole text"
    return Cost(rule.name, rule.rule.file, looks_for=looks_for, unfiltered=searched is None and not prefix_judged)


def _time_entry_points(rule: CompiledRule, cost: Cost) -> None:
    """Time what the engine calls on ``rule``; a call made from inside another (``apply`` trying lines) counts once."""
    def whole_text(args: tuple) -> int:
        return args[0].count("\n") + 1

    def lines_given(args: tuple) -> int:
        holding = args[3] if len(args) > 3 else None
        return len(holding) if holding is not None else whole_text(args)

    rule.matches_line = _timed(rule.matches_line, cost, lambda _args: 1)  # type: ignore[method-assign]
    rule.apply = _timed(rule.apply, cost, lines_given)  # type: ignore[method-assign]
    rule.apply_whole = _timed(rule.apply_whole, cost, whole_text)  # type: ignore[method-assign]
    rule.apply_at_line_starts = _timed(rule.apply_at_line_starts, cost, whole_text)  # type: ignore[method-assign]


def _timed(function: Callable[..., Any], cost: Cost, lines: Callable[[tuple], int]) -> Callable[..., Any]:
    def timed(*args: Any) -> Any:
        if cost._depth:
            return function(*args)
        cost._depth += 1
        start = time.perf_counter()
        try:
            return function(*args)
        finally:
            cost.seconds += time.perf_counter() - start
            cost.lines_tried += lines(args)
            cost._depth -= 1
    return timed


def format_report(report: CostReport, top: int | None = None) -> str:
    """The costs as a table, worst first; the rules with no literal named after it."""
    rows = [("share", "ms", "lines tried", "hits", "rule", "looks for")]
    spent = sum(cost.seconds for cost in report.costs) or 1.0
    for cost in report.costs[:top]:
        rows.append((f"{cost.seconds / spent:.1%}", f"{cost.seconds * 1000:.0f}", f"{cost.lines_tried:,}",
                     f"{cost.hits:,}", cost.name, cost.looks_for))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = [f"{report.documents:,} documents, rules and engine {report.total_seconds:.2f} s"]
    lines += ["  ".join(cell.rjust(width) if column < 4 else cell.ljust(width)
                        for column, (cell, width) in enumerate(zip(row[:-1], widths, strict=True))) + "  " + row[-1]
              for row in rows]
    unfiltered = [cost for cost in report.costs if cost.unfiltered]
    if unfiltered:
        lines.append(f"{len(unfiltered)} rules have no literal a match must hold, so they are tried on every line "
                     "their line gate lets through; narrow them (a literal word in the pattern, or 'requires'):")
        lines += [f"  {cost.name} ({cost.file}): {cost.seconds / spent:.1%}" for cost in unfiltered]
    return "\n".join(lines)


def _shown(literals: tuple[str, ...], at_most: int = 3) -> str:
    shown = ", ".join(repr(literal) for literal in literals[:at_most])
    return shown + (f" (+{len(literals) - at_most})" if len(literals) > at_most else "")
