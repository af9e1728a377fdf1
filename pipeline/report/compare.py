"""Two runs over the same input, with different rules: which documents came out different, and which removals
each rule gained and lost. The review a rule change needs before it ships."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pipeline.report.runs import DocKey, Run, doc_key

RemovalKey = tuple[DocKey, str, str, int, int]


def removal_key(removal: dict) -> RemovalKey:
    # Offsets are into the normalised text, which the rules do not change: the same removal has the same key in
    # both runs (normalisation options must be the same; the report says when documents differ in number).
    return doc_key(removal), removal["step"], removal["cause"], removal["start"], removal["end"]


@dataclass(frozen=True)
class ChangedDocument:
    key: DocKey
    before: dict | None   # the clean record in the other run; None when it was rejected or absent there
    after: dict | None
    gained: list[dict]
    lost: list[dict]


@dataclass(frozen=True)
class RuleChange:
    cause: str
    gained: list[dict]
    lost: list[dict]


@dataclass(frozen=True)
class Comparison:
    before: Run
    after: Run
    documents_only_before: int
    documents_only_after: int
    changed: list[ChangedDocument]
    rules: list[RuleChange]


def _outcomes(run: Run) -> dict[DocKey, dict | None]:
    outcome: dict[DocKey, dict | None] = {doc_key(record): None for record in run.rejected}
    outcome.update((doc_key(record), record) for record in run.clean)
    return outcome


def compare(before: Run, after: Run) -> Comparison:
    """What changed from ``before`` (the other run) to ``after`` (the one reported)."""
    old, new = _outcomes(before), _outcomes(after)
    old_removals = {removal_key(removal): removal for removal in before.removed}
    new_removals = {removal_key(removal): removal for removal in after.removed}
    gained = [removal for key, removal in new_removals.items() if key not in old_removals]
    lost = [removal for key, removal in old_removals.items() if key not in new_removals]
    by_doc: dict[DocKey, tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    by_rule: dict[str, tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    for removal in gained:
        by_doc[doc_key(removal)][0].append(removal)
        by_rule[removal["cause"]][0].append(removal)
    for removal in lost:
        by_doc[doc_key(removal)][1].append(removal)
        by_rule[removal["cause"]][1].append(removal)
    changed = []
    for key in sorted(old.keys() & new.keys(), key=_sort_key):
        was, now = old[key], new[key]
        if _text(was) != _text(now):
            doc_gained, doc_lost = by_doc.get(key, ([], []))
            changed.append(ChangedDocument(key, was, now, doc_gained, doc_lost))
    rules = [RuleChange(cause, *by_rule[cause]) for cause in sorted(by_rule, key=lambda c: (
        -len(by_rule[c][0]) - len(by_rule[c][1]), c))]
    return Comparison(before, after, len(old.keys() - new.keys()), len(new.keys() - old.keys()), changed, rules)


def _text(record: dict | None) -> tuple[str, str] | None:
    return None if record is None else (record["title"], record["text"])


def _sort_key(key: DocKey) -> tuple[str, int, str]:
    return key[0], key[1] or 0, key[2] or ""
