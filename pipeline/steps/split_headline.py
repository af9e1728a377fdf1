"""Step 2: take the headline out, so the rules run on the body only."""

from __future__ import annotations

from pipeline.headline import split_headline
from pipeline.steps.base import Draft, Step


class SplitHeadline(Step):
    name = "headline"

    def apply(self, draft: Draft) -> None:
        first_line_is_headline = self.options.first_line_is_headline and draft.article.headline_in_text
        draft.title, draft.body = split_headline(draft.body, draft.given_title, first_line_is_headline)
        if draft.ledger:   # the headline line moved to the title: not a removal
            draft.ledger.follow(draft.body)
