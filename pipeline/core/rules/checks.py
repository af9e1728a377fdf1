"""A rule's own tests: the examples it must change, the look-alikes it must leave alone."""

from __future__ import annotations

from collections.abc import Iterable

import regex

from pipeline.core.budget import DEFAULT_TIME_BUDGET_SECONDS, Budget
from pipeline.core.normalize import tidy_layout
from pipeline.core.records import Rejected
from pipeline.core.rules.compiled import CompiledRule
from pipeline.core.rules.schema import Rule


def example_failures(rules: Iterable[Rule], seconds: float = DEFAULT_TIME_BUDGET_SECONDS) -> list[str]:
    """Every failing example and look-alike of every rule, one message each."""
    return [failure for rule in rules for failure in check_examples(rule, seconds)]


def check_examples(rule: Rule, seconds: float = DEFAULT_TIME_BUDGET_SECONDS) -> list[str]:
    """Run a rule's examples and look-alikes; return one message per failure.

    The rule's result goes through the same layout tidying as the pipeline's
    output, so examples are written as a user would see the cleaned text. A
    rule with ``requires`` must give, on each of them, what it gives without
    (``requires`` is a speed hint, never a change of meaning): a rule that
    reaches across lines, or that a literal of another case can trigger, fails here.
    """
    compiled = CompiledRule(rule)
    where = f"{rule.file}: rule '{rule.name}'"
    failures = []
    cases = [(f"example {i}", e.input, e.output) for i, e in enumerate(rule.examples, 1)]
    cases += [(f"look-alike {i}", text, text) for i, text in enumerate(rule.keep, 1)]
    for label, given, expected in cases:
        try:
            # Each example is a document of its own, with a budget of its own.
            actual = tidy_layout(compiled.apply(given, Budget(seconds))[0])
            whole = tidy_layout(compiled.apply_whole(given, Budget(seconds))[0]) if rule.requires else actual
        except Rejected as error:
            failures.append(f"{where}: {label}: {error.detail}")
            continue
        except (regex.error, IndexError) as error:  # IndexError: a group name the pattern lacks
            failures.append(f"{where}: {label}: replacement does not work: {error}")
            continue
        if whole != actual:
            failures.append(f"{where}: {label}: gives {whole!r} without 'requires' but {actual!r} with it; "
                            "'requires' may only save time (drop it, or keep the pattern within one line)")
        elif actual != tidy_layout(expected):
            failures.append(f"{where}: {label}: expected {tidy_layout(expected)!r}, got {actual!r}")
    return failures
