"""The time one document may take: one budget shared by every step that works on it.

A limit per step or per rule call lets a crafted document take the limit many times
over (one regex call per line, each under the limit); a deadline set once per document
cannot be spent twice.
"""

from __future__ import annotations

import time

from pipeline.core.records import Rejected

DEFAULT_TIME_BUDGET_SECONDS = 10.0
# What a regex call gets once the budget is spent: the regex module wants a positive timeout, and
# this one makes it give up at its first check.
_SPENT = 1e-6


class Budget:
    """A deadline: ``seconds`` from now. ``left()`` is what a regex call may take (a ``timeout=``)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return max(self.deadline - time.monotonic(), _SPENT)

    def spent(self) -> bool:
        return time.monotonic() >= self.deadline

    def exceeded(self, stage: str, what: str) -> Rejected:
        """The rejection for a document that ran out of time in ``stage``, doing ``what``."""
        return Rejected(stage, "time_budget",
                        f"ran out of its --time_budget ({self.seconds:g} s) in step '{stage}' ({what}); "
                        "if the document is an article, simplify that rule's pattern or raise --time_budget")

    def check(self, stage: str, what: str) -> None:
        if self.spent():
            raise self.exceeded(stage, what)
