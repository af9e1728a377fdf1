"""The cleaning core: one raw article in, one clean article out (or Rejected).

The work is done by the steps in :data:`pipeline.core.steps.STEPS`, in order:
normalise first so rules see tidy text; take the headline out before the rules
so they run on the body only; drop repeats of the headline after the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipeline.core.budget import Budget
from pipeline.core.records import Article, CleanArticle
from pipeline.core.rules.schema import Rule
from pipeline.core.steps import DEFAULT_MAX_REMOVED_SHARE, STEPS, CleanOptions, Draft, Step

__all__ = ["DEFAULT_MAX_REMOVED_SHARE", "CleanOptions", "Cleaner"]


class Cleaner:
    """Builds the steps once (rules compile here); then cleans any number of articles."""

    def __init__(self, rules: Sequence[Rule], options: CleanOptions = CleanOptions(),
                 steps: Sequence[type[Step]] = STEPS):
        self.options = options
        self.steps = [step.from_options(rules, options) for step in steps]

    def clean(self, article: Article, on_step: Callable[[Step, Draft], None] | None = None) -> CleanArticle:
        """``on_step`` sees the draft after each step (``python -m pipeline explain`` prints them)."""
        draft = Draft(article=article, budget=Budget(self.options.time_budget), body=article.text,
                      metadata=article.metadata)
        for step in self.steps:
            step.apply(draft)
            if on_step:
                on_step(step, draft)
        stats = {"chars_in": len(article.text), "chars_out": len(draft.title) + len(draft.body), **draft.stats}
        if article.surrogates_replaced:
            stats["surrogates_replaced"] = article.surrogates_replaced
        return CleanArticle(id=article.id, title=draft.title, text=draft.body, source=article.source,
                            line=article.line, url=article.url, stats=stats, metadata=draft.metadata,
                            removals=draft.ledger.in_order() if draft.ledger else ())
