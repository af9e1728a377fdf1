"""Step 1: repair the encoding (ftfy where needed), spaces and layout of the text and the given title."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.budget import Budget
from pipeline.core.ledger import Ledger
from pipeline.core.normalize import NormalizeOptions, UnicodeFixer, cap_mark_runs, normalize
from pipeline.core.records import Rejected
from pipeline.core.rules.schema import Rule
from pipeline.core.steps.base import CleanOptions, Draft, Step


class NormalizeText(Step):
    name = "normalize"

    def __init__(self, normalize: NormalizeOptions = NormalizeOptions(), ledger: bool = False):
        self.fixer = UnicodeFixer(normalize)
        self.ledger = ledger

    @classmethod
    def from_options(cls, rules: Sequence[Rule], options: CleanOptions) -> NormalizeText:
        return cls(options.normalize, options.ledger)

    def normalize(self, text: str, budget: Budget) -> str:
        return normalize(text, self.fixer, budget)

    def apply(self, draft: Draft) -> None:
        # Before ftfy and Unicode normalisation, whose reordering of marks is quadratic in a run's length.
        body, dropped = cap_mark_runs(draft.body)
        draft.body = self.normalize(body, draft.budget)
        if not draft.body:
            raise Rejected("normalize", "empty_text",
                           "the article has no text (empty, or only whitespace and control characters)")
        if self.ledger:
            draft.ledger = Ledger(draft.body)
        if draft.article.title:
            title, dropped_in_title = cap_mark_runs(draft.article.title)
            draft.given_title = self.normalize(title, draft.budget)
            dropped += dropped_in_title
        if dropped:
            draft.stats["combining_marks_dropped"] = dropped
