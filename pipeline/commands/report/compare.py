"""Two runs over the same input, with different rules: which documents came out different, and which removals
each rule gained and lost. The review a rule change needs before it ships.

Read as the report reads a run, one record at a time. It holds a digest per document of each run and a key per
removal of the other run; removals themselves only for the samples and the documents listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pipeline.beam.outputs import CLEAN, REMOVED
from pipeline.beam.outputs import REJECTED as REJECTED_OUTPUT
from pipeline.commands.report.runs import (
    SAMPLES,
    TOP,
    DocKey,
    Run,
    Smallest,
    digest,
    doc_key,
    in_text_order,
    located,
    sample_key,
    sort_key,
)
from pipeline.core.words import word_count

RemovalKey = tuple[str, str, int, int]   # step, cause, start, end: one removal within its document


def removal_key(removal: dict) -> RemovalKey:
    # Offsets are into the normalised text, which the rules do not change: the same removal has the same key in
    # both runs (normalisation options must be the same; the report says when documents differ in number).
    return removal["step"], removal["cause"], removal["start"], removal["end"]


@dataclass(frozen=True)
class ChangedDocument:
    key: DocKey
    before_words: int | None   # words of its clean text in the other run; None when it was rejected there
    after_words: int | None
    gained: list[dict]
    lost: list[dict]


@dataclass
class RuleChange:
    """How many removals a rule made in this run and not the other (gained), or the other way round (lost)."""

    cause: str
    gained: int = 0
    lost: int = 0
    gained_sampled: Smallest[dict] = field(default_factory=lambda: Smallest(SAMPLES), repr=False)
    lost_samples: list[dict] = field(default_factory=list)

    @property
    def gained_samples(self) -> list[dict]:
        return in_text_order(self.gained_sampled.items())


@dataclass(frozen=True)
class Comparison:
    before: Run
    after: Run
    documents_only_before: int
    documents_only_after: int
    changed: list[ChangedDocument]   # the first TOP in input order
    changed_count: int
    rules: list[RuleChange]          # most changed first


# A clean document's digest of title and text, and its words; (None, None) for a rejected one.
Outcome = tuple[bytes | None, int | None]


def _outcomes(run: Run) -> dict[DocKey, Outcome]:
    outcome: dict[DocKey, Outcome] = {doc_key(record): (None, None) for record in run.records(REJECTED_OUTPUT)}
    for record in run.records(CLEAN):
        outcome[doc_key(record)] = digest((record["title"], record["text"])), word_count(record["text"])
    return outcome


def compare(before: Run, after: Run) -> Comparison:
    """What changed from ``before`` (the other run) to ``after`` (the one reported)."""
    old, new = _outcomes(before), _outcomes(after)
    changed = sorted((key for key in old.keys() & new.keys() if old[key][0] != new[key][0]), key=sort_key)
    listed = changed[:TOP]
    gained_of: dict[DocKey, list[dict]] = {key: [] for key in listed}
    lost_of: dict[DocKey, list[dict]] = {key: [] for key in listed}

    left: dict[DocKey, set[RemovalKey]] = defaultdict(set)   # the other run's removals not (yet) seen in this one
    for entry in before.records(REMOVED):
        left[doc_key(entry)].update(removal_key(removal) for removal in entry["removals"])
    rules: dict[str, RuleChange] = {}
    for entry in after.records(REMOVED):
        key = doc_key(entry)
        had = left.get(key, set())
        for removal in entry["removals"]:
            found = removal_key(removal)
            if found in had:
                had.discard(found)
                continue
            change = _change(rules, removal["cause"])
            change.gained += 1
            shown = located(entry, removal)
            change.gained_sampled.offer(sample_key(key, removal["cause"], removal["start"], removal["end"]), shown)
            if key in gained_of:
                gained_of[key].append(shown)

    # What is left was lost. Choose the samples from the keys, then read the other run once more for their text.
    lost_sampled: dict[str, Smallest[tuple[DocKey, RemovalKey]]] = defaultdict(lambda: Smallest(SAMPLES))
    for key, removal_keys in left.items():
        for step, cause, start, end in removal_keys:
            change = _change(rules, cause)
            change.lost += 1
            lost_sampled[cause].offer(sample_key(key, cause, start, end), (key, (step, cause, start, end)))
    sampled = {pair for chosen in lost_sampled.values() for pair in chosen.items()}
    if sampled or any(left.get(key) for key in listed):
        for entry in before.records(REMOVED):
            key = doc_key(entry)
            for removal in entry["removals"]:
                found = removal_key(removal)
                if found not in left.get(key, ()):
                    continue
                shown = located(entry, removal)
                if key in lost_of:
                    lost_of[key].append(shown)
                if (key, found) in sampled:
                    rules[removal["cause"]].lost_samples.append(shown)
    for change in rules.values():
        change.lost_samples = in_text_order(change.lost_samples)

    documents = [ChangedDocument(key, old[key][1], new[key][1],
                                 in_text_order(gained_of[key]), in_text_order(lost_of[key])) for key in listed]
    ranked = sorted(rules.values(), key=lambda change: (-change.gained - change.lost, change.cause))
    return Comparison(before, after, len(old.keys() - new.keys()), len(new.keys() - old.keys()), documents,
                      len(changed), ranked)


def _change(rules: dict[str, RuleChange], cause: str) -> RuleChange:
    if cause not in rules:
        rules[cause] = RuleChange(cause)
    return rules[cause]
