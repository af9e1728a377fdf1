"""Rule files' contents to rules ready to ship: parsed, compiled once to check them, names unique."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.core.rules.compiled import CompiledRule
from pipeline.core.rules.schema import Rule, RuleError, parse_rule_file


def parse_rules(files: Iterable[tuple[str, bytes]]) -> list[Rule]:
    """Parse and compile the rules of ``(file name, content)`` pairs, in the order given.

    Raises one RuleError that lists every problem of every file, a name used
    twice included, each naming its file and rule.
    """
    rules: list[Rule] = []
    errors: list[RuleError] = []
    seen: dict[str, str] = {}
    for file, content in files:
        try:
            parsed = parse_rule_file(file, content)
        except RuleError as error:
            errors.append(error)
            continue
        for rule in parsed:
            if rule.name in seen:
                errors.append(RuleError(file, f"name already used in {seen[rule.name]}", rule.name))
                continue
            seen[rule.name] = rule.file
            try:
                CompiledRule(rule)
            except RuleError as error:
                errors.append(error)
                continue
            rules.append(rule)
    if errors:
        raise RuleError.combine(errors)
    return rules
