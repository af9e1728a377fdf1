"""Step 4: repeats of the headline at the top of the body.

After the rules, because widget lines (a read time) often sit between repeats.
"""

from __future__ import annotations

from pipeline.core.headline import find_leading_repeats
from pipeline.core.records import Rejected
from pipeline.core.steps.base import Draft, Step

# The cause the ledger gives each repeat.
REPEAT = "headline_repeat"


class DropHeadlineRepeats(Step):
    name = "headline_repeats"

    def apply(self, draft: Draft) -> None:
        draft.title, draft.body, repeats = find_leading_repeats(
            draft.body, draft.title, draft.article.url, title_from_record=draft.given_title is not None)
        draft.stats["headline_repeats"] = len(repeats)
        if draft.ledger and repeats:
            draft.ledger.removed(self.name, [(REPEAT, start, end, "") for start, end in repeats])
            draft.ledger.follow(draft.body)
        if not draft.body:
            fired = ", ".join(draft.stats.get("rules", {})) or "none"
            raise Rejected("clean", "empty_after_cleaning",
                           f"nothing but the headline and cruft was left (rules that fired: {fired}); "
                           "if the text is an article, one of those rules is too broad")
