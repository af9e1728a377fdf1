"""Step 1: repair the encoding (ftfy where needed), spaces and layout of the text and the given title."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.normalize import UnicodeFixer, normalize
from pipeline.records import Rejected
from pipeline.rules.schema import Rule
from pipeline.steps.base import CleanOptions, Draft, Step


class NormalizeText(Step):
    name = "normalize"

    def __init__(self, rules: Sequence[Rule], options: CleanOptions):
        super().__init__(rules, options)
        self.fixer = UnicodeFixer(options.normalize)

    def normalize(self, text: str) -> str:
        return normalize(text, self.fixer)

    def apply(self, draft: Draft) -> None:
        draft.body = self.normalize(draft.body)
        if not draft.body:
            raise Rejected("normalize", "empty_text",
                           "the article has no text (empty, or only whitespace and control characters)")
        if draft.article.title:
            draft.given_title = self.normalize(draft.article.title)
