"""The cleaning core: one raw article in, one clean article out (or Rejected).

Order matters: normalise first so rules see tidy text; take the headline out
before the rules so they run on the body only; drop repeats of the headline
after the rules, because widget lines (a read time) often sit between repeats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from pipeline.headline import drop_leading_repeats, split_headline
from pipeline.normalize import NormalizeOptions, UnicodeFixer, count_words, normalize, tidy_layout
from pipeline.records import Article, CleanArticle, Rejected
from pipeline.rules import DEFAULT_TIMEOUT_SECONDS, Rule, RuleSet

DEFAULT_MAX_REMOVED_SHARE = 0.5


@dataclass(frozen=True)
class CleanOptions:
    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    rule_timeout: float = DEFAULT_TIMEOUT_SECONDS
    # Rules that remove more than this share of a document's words flag it in its stats.
    max_removed_share: float = DEFAULT_MAX_REMOVED_SHARE
    # False for archives whose texts start with the body, their headlines kept elsewhere.
    first_line_is_headline: bool = True

    def __post_init__(self):
        if not 0 < self.max_removed_share <= 1:
            raise ValueError(f"max_removed_share must be in (0, 1], not {self.max_removed_share}")


class Cleaner:
    """Compiles rules and settings once; then cleans any number of articles."""

    def __init__(self, rules: Sequence[Rule], options: CleanOptions = CleanOptions(), fast: bool = True):
        # fast=False is the reference the fast paths must equal: ftfy on every text, each line rule on its own.
        self.fast = fast
        self.rules = RuleSet(rules)
        self.unicode = UnicodeFixer(options.normalize)
        self.rule_timeout = options.rule_timeout
        self.max_removed_share = options.max_removed_share
        self.first_line_is_headline = options.first_line_is_headline

    def clean(self, article: Article) -> CleanArticle:
        text = normalize(article.text, self.unicode, self.fast)
        if not text:
            raise Rejected("normalize", "empty_text", "the article has no text (empty, or only whitespace and control characters)")
        given_title = normalize(article.title, self.unicode, self.fast) if article.title else None
        title, body = split_headline(text, given_title, self.first_line_is_headline)
        body_before_rules = body
        body, hits = self.rules.apply(body, article.url, article.source, self.rule_timeout, self.fast)
        removed_share = 0.0
        if hits:   # without hits the body is as it was: tidy, every word kept
            body = tidy_layout(body)
            words_before = count_words(body_before_rules)
            removed_share = max(0.0, 1 - count_words(body) / words_before) if words_before else 0.0
        title, body, repeats = drop_leading_repeats(body, title, article.url)
        if not body:
            raise Rejected("clean", "empty_after_cleaning",
                           "nothing but the headline and cruft was left; check the rules listed in the summary if this is wrong")
        stats = {"chars_in": len(article.text), "chars_out": len(title) + len(body), "headline_repeats": repeats,
                 "rules": hits, "words_removed_by_rules": round(removed_share, 4)}
        if removed_share > self.max_removed_share:
            stats["mass_removal"] = True
        return CleanArticle(id=article.id, title=title, text=body, source=article.source, line=article.line,
                            url=article.url, stats=stats)
