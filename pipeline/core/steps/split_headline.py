"""Step 2: take the headline out, so the rules run on the body only.

A record's title field loses a site name appended to it (``... ⋆ Freedom Daily``) when the name is the
site's: its URL's host, or the record's ``source`` or ``site_name``; a subtitle stays.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.headline import split_headline
from pipeline.core.rules.schema import Rule
from pipeline.core.site_suffix import site_names, split_site_suffix, strip_site_suffix
from pipeline.core.steps.base import CleanOptions, Draft, Step


class SplitHeadline(Step):
    name = "headline"

    def __init__(self, first_line_is_headline: bool = True):
        self.first_line_is_headline = first_line_is_headline   # False: --no_headline_line

    @classmethod
    def from_options(cls, rules: Sequence[Rule], options: CleanOptions) -> SplitHeadline:
        return cls(options.first_line_is_headline)

    def apply(self, draft: Draft) -> None:
        first_line_is_headline = self.first_line_is_headline and draft.article.headline_in_text
        given = draft.given_title
        if given and split_site_suffix(given):   # most titles have no separator: no names to look up
            article = draft.article
            named = [value for value in (article.metadata.get("source"), article.metadata.get("site_name"))
                     if isinstance(value, str)]
            given = strip_site_suffix(given, site_names(article.url, *named))
        draft.title, draft.body = split_headline(draft.body, given, first_line_is_headline)
        if draft.ledger:   # the headline line moved to the title: not a removal
            draft.ledger.follow(draft.body)
