"""Step 3: every rule in scope, in order; hits per rule and the share of words they removed.

A document whose rules removed more than ``max_removed_share`` of its words is
flagged, and with ``mass_removal`` ``reject`` sent to the rejected output with
what would have gone, or with ``keep`` shipped as it was before the rules: a
careless rule (``(?s)President.{0,5000}``) must not cut the rest of every article unseen.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from pipeline.core.budget import Budget
from pipeline.core.ledger import Ledger
from pipeline.core.normalize import tidy_layout
from pipeline.core.records import Article, Rejected
from pipeline.core.rules.engine import RuleSet
from pipeline.core.rules.schema import Rule
from pipeline.core.steps.base import DEFAULT_MAX_REMOVED_SHARE, CleanOptions, Draft, Step
from pipeline.core.words import count_words


class ApplyRules(Step):
    name = "rules"

    def __init__(self, rules: Sequence[Rule], max_removed_share: float = DEFAULT_MAX_REMOVED_SHARE,
                 mass_removal: str = "flag"):
        self.rules = RuleSet(rules)
        self.max_removed_share, self.mass_removal = max_removed_share, mass_removal

    @classmethod
    def from_options(cls, rules: Sequence[Rule], options: CleanOptions) -> ApplyRules:
        return cls(rules, options.max_removed_share, options.mass_removal)

    def run_rules(self, body: str, article: Article, budget: Budget,
                  ledger: Ledger | None) -> tuple[str, dict[str, int]]:
        return self.rules.apply(body, article.url, article.source, budget, ledger)

    def apply(self, draft: Draft) -> None:
        before = draft.body
        mark = draft.ledger.mark() if draft.ledger else None
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
        if removed_share > self.max_removed_share:
            draft.stats["mass_removal"] = True
            if self.mass_removal == "reject":
                gone = "\n".join(removed_lines(before, draft.body))
                raise Rejected("rules", "mass_removal",
                               f"the rules removed {removed_share:.0%} of the words, more than --max_removed_share "
                               f"{self.max_removed_share:g} (rules that fired: {', '.join(hits)}); "
                               f"they would have removed: {gone[:_REMOVED_SHOWN]}")
            if self.mass_removal == "keep":
                # Shipped as read: the hits say which rules matched, none of them removed anything.
                draft.body = before
                draft.stats["words_removed_by_rules"] = 0.0
                if draft.ledger and mark:
                    draft.ledger.undo_to(mark)


# Enough to see which rule went wrong; the whole text is in the input.
_REMOVED_SHOWN = 2000


def removed_lines(before: str, after: str) -> list[str]:
    """The lines of ``before`` that are not in ``after`` (a line a rule cut short counts as removed), in order.

    >>> removed_lines("Storm hits.\\n\\nShare\\n\\nPower is out.", "Storm hits.\\n\\nPower is out.")
    ['Share']
    """
    old, new = before.split("\n"), after.split("\n")
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [line for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("delete", "replace")
            for line in old[i1:i2] if line.strip()]
