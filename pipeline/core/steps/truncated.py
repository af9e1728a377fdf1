"""After the headline, before the rules: a teaser or paywalled text is flagged ``stats.truncated``, or rejected ``truncated``.

Before the rules, on purpose: a closing notice is often a line the rules remove ("Subscribe today to read
more!" is a subscribe plea to ``62-promos-and-prompts``), and after them the evidence would be gone while the
text stays as short as the paywall left it. The flag changes no text.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.records import Rejected
from pipeline.core.rules.schema import Rule
from pipeline.core.steps.base import CleanOptions, Draft, Step
from pipeline.core.truncated import notice_evidence


class FlagTruncated(Step):
    name = "truncated"

    def __init__(self, action: str = "keep"):
        self.action = action   # one of TRUNCATED_ACTIONS

    @classmethod
    def from_options(cls, rules: Sequence[Rule], options: CleanOptions) -> FlagTruncated:
        return cls(options.truncated)

    def apply(self, draft: Draft) -> None:
        markup = draft.article.truncated
        signal, evidence = ("markup", markup) if markup else ("notice", notice_evidence(draft.body))
        if evidence is None:
            return
        draft.stats["truncated"] = {"signal": signal, "evidence": evidence}
        if self.action == "reject":
            raise Rejected("clean", "truncated", f"a teaser or paywalled text ({signal}): {evidence}; "
                                                 "--truncated keep ships it flagged")
