"""What every cleaning step shares: the options, the draft it works on, the interface it has."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.core.budget import DEFAULT_TIME_BUDGET_SECONDS, Budget
from pipeline.core.ledger import Ledger
from pipeline.core.normalize import NormalizeOptions, tidy_layout
from pipeline.core.records import Article
from pipeline.core.rules.schema import Rule

DEFAULT_MAX_REMOVED_SHARE = 0.5
# What happens to a document whose rules removed more than max_removed_share of its words:
# flag it and ship it cleaned, reject it (with what would have gone), or ship it as it was before the rules.
MASS_REMOVAL_ACTIONS = ("flag", "reject", "keep")
# What happens to a teaser or paywalled text (pipeline.core.truncated): shipped flagged stats.truncated, or rejected.
TRUNCATED_ACTIONS = ("keep", "reject")


@dataclass(frozen=True)
class CleanOptions:
    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    # Seconds one document may take, normalisation and every rule together.
    time_budget: float = DEFAULT_TIME_BUDGET_SECONDS
    # Rules that remove more than this share of a document's words flag it in its stats.
    max_removed_share: float = DEFAULT_MAX_REMOVED_SHARE
    mass_removal: str = "flag"   # one of MASS_REMOVAL_ACTIONS
    # False for archives whose texts start with the body, their headlines kept elsewhere.
    first_line_is_headline: bool = True
    # Record every removal in a Ledger (--ledger); off, no step spends anything on it.
    ledger: bool = False
    # False keeps pages that are not articles (error pages, menus) in the clean output.
    reject_not_articles: bool = True
    # With languages (ISO 639 codes, checked by pipeline.core.language.parse_languages), only articles detected in
    # one of them are kept; the others are rejected ``language``.
    languages: tuple[str, ...] = ()
    truncated: str = "keep"   # one of TRUNCATED_ACTIONS
    # The line model's second opinion on the lines the rules left (pipeline.core.line_model): --line_model on.
    line_model: bool = False

    def __post_init__(self):
        if not 0 < self.max_removed_share <= 1:
            raise ValueError(f"max_removed_share must be in (0, 1], not {self.max_removed_share}")
        if self.mass_removal not in MASS_REMOVAL_ACTIONS:
            raise ValueError(f"mass_removal must be one of {', '.join(MASS_REMOVAL_ACTIONS)}, not {self.mass_removal!r}")
        if self.truncated not in TRUNCATED_ACTIONS:
            raise ValueError(f"truncated must be one of {', '.join(TRUNCATED_ACTIONS)}, not {self.truncated!r}")


@dataclass
class Draft:
    """One article on its way through the steps: each step reads and rewrites it in place."""

    article: Article
    budget: Budget               # the time left for this document, shared by every step
    body: str                    # the article text; without its headline once the headline step ran
    title: str = ""
    given_title: str | None = None   # the record's own title field, normalised
    stats: dict = field(default_factory=dict)
    # The clean record's metadata: the article's, and what steps add (its language).
    metadata: dict = field(default_factory=dict)
    # With CleanOptions.ledger, from normalisation on: each step that removes text reports it here.
    ledger: Ledger | None = None


def without_spans(body: str, spans: Sequence[tuple[int, int]]) -> str:
    """``body`` without ``spans`` (``(start, end)``, sorted, not overlapping), its layout tidied: what a step that
    removes whole lines leaves.

    >>> without_spans("Keep.\\n\\nDrop.\\n\\nKeep too.", [(7, 12)])
    'Keep.\\n\\nKeep too.'
    """
    kept, at = [], 0
    for start, end in spans:
        kept.append(body[at:start])
        at = end
    kept.append(body[at:])
    return tidy_layout("".join(kept))


class Step:
    """One stage of cleaning. Built once per worker (compile in ``__init__``), then applied to every article.

    ``__init__`` takes only what the step uses; :meth:`from_options` is how the cleaner builds it from the rules
    and options of the whole cleaning. ``apply`` rewrites the draft, adds what it counted to ``draft.stats``,
    and raises :class:`pipeline.core.records.Rejected` when the article cannot go on.
    """

    name = "step"

    @classmethod
    def from_options(cls, rules: Sequence[Rule], options: CleanOptions) -> Step:
        """The step for a cleaning with these rules and options; a step that uses some of them overrides this."""
        return cls()

    def apply(self, draft: Draft) -> None:
        raise NotImplementedError
