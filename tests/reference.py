"""The reference the fast paths must equal: the plain meaning of each step, with no shortcut.

ftfy on every text; each rule on its own, in order, on the whole text (no line
gate, no ``requires``), as :meth:`CompiledRule.apply_whole` defines it. Used
only by the equivalence tests; production code never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.budget import Budget
from pipeline.clean import Cleaner, CleanOptions
from pipeline.ledger import Cut, Ledger
from pipeline.normalize import fix_unicode, normalize_spaces, tidy_layout
from pipeline.records import Article
from pipeline.rules.compiled import CompiledRule
from pipeline.rules.engine import STEP
from pipeline.rules.schema import Rule
from pipeline.steps import STEPS
from pipeline.steps.apply_rules import ApplyRules
from pipeline.steps.normalize_text import NormalizeText


class ReferenceNormalize(NormalizeText):
    def normalize(self, text: str, budget: Budget) -> str:
        return tidy_layout(normalize_spaces(fix_unicode(text, self.fixer.config)))


def apply_rules_one_by_one(rules: Sequence[CompiledRule], text: str, url: str | None, source: str,
                           budget: Budget, ledger: Ledger | None = None) -> tuple[str, dict[str, int]]:
    hits = {}
    for rule in rules:
        if rule.applies_to(url, source, budget):
            cuts: list[Cut] = []
            text, count = rule.apply_whole(text, budget, cuts if ledger else None)
            if count:
                hits[rule.name] = count
            if ledger and cuts:
                ledger.removed(STEP, cuts)
    return text, hits


class ReferenceRules(ApplyRules):
    def run_rules(self, body: str, article: Article, budget: Budget,
                  ledger: Ledger | None) -> tuple[str, dict[str, int]]:
        return apply_rules_one_by_one(self.rules.rules, body, article.url, article.source, budget, ledger)


_SWAPS = {NormalizeText: ReferenceNormalize, ApplyRules: ReferenceRules}


def reference_cleaner(rules: Sequence[Rule], options: CleanOptions = CleanOptions()) -> Cleaner:
    """The production steps, with normalisation and rules swapped for their references."""
    return Cleaner(rules, options, steps=[_SWAPS.get(step, step) for step in STEPS])
