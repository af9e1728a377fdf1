"""Step 3: every rule in scope, in order; hits per rule and the share of words they removed."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.budget import Budget
from pipeline.ledger import Ledger
from pipeline.normalize import count_words, tidy_layout
from pipeline.records import Article
from pipeline.rules.engine import RuleSet
from pipeline.rules.schema import Rule
from pipeline.steps.base import CleanOptions, Draft, Step


class ApplyRules(Step):
    name = "rules"

    def __init__(self, rules: Sequence[Rule], options: CleanOptions):
        super().__init__(rules, options)
        self.rules = RuleSet(rules)

    def run_rules(self, body: str, article: Article, budget: Budget,
                  ledger: Ledger | None) -> tuple[str, dict[str, int]]:
        return self.rules.apply(body, article.url, article.source, budget, ledger)

    def apply(self, draft: Draft) -> None:
        before = draft.body
        draft.body, hits = self.run_rules(before, draft.article, draft.budget, draft.ledger)
        removed_share = 0.0
        if hits:   # without hits the body is as it was: tidy, every word kept
            draft.body = tidy_layout(draft.body)
            if draft.ledger:
                draft.ledger.follow(draft.body)
            words_before = count_words(before)
            removed_share = max(0.0, 1 - count_words(draft.body) / words_before) if words_before else 0.0
        draft.stats["rules"] = hits
        draft.stats["words_removed_by_rules"] = round(removed_share, 4)
        if removed_share > self.options.max_removed_share:
            draft.stats["mass_removal"] = True
