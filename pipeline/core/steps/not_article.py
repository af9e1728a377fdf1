"""Step 6: pages that are not articles (error pages, navigation left without a story) go to rejected.

Rejected, not flagged: such a page has no content to keep, and a rejection is counted
(``docs.rejected.not_article``) and can be read with its evidence; ``--keep_not_articles``
keeps them. The evidence is
deliberately narrow, because a real article rejected loses every word: an error
page's own wording in a short text, a text without one line of prose, or a site's index
of its stories (a tag, category or author archive, by its URL) that holds only teasers.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import regex

from pipeline.core.records import Rejected
from pipeline.core.rules.schema import Rule
from pipeline.core.steps.base import CleanOptions, Draft, Step
from pipeline.core.words import word_count

# Error pages' own wording, in a text too short to be an article about one.
_ERROR_PAGE = regex.compile(
    r"(?im)^(?:ERROR|Ooops[.!…]*[ ]?Error[ ]404|Error[ ]404|404[ ](?:Not[ ]Found|Error)|Page[ ]not[ ]found|"
    r"Main[ ]Error[ ]Mes+age[ ]Here|Sorry,[ ]but[ ]the[ ]page[ ]you[ ]are[ ]looking[ ]for[ ]doesn['’]t[ ]exist\.?)$")
_ERROR_PAGE_MAX_WORDS = 60
# A line this long is prose (a paragraph, a standfirst): a page with one has something to keep. Menus,
# episode and link lists, bylines and dates are shorter.
_PROSE_WORDS = 10
# ... unless its short lines carry words, as a poem's or a song's do: menus and lists average fewer.
_MENU_WORDS_PER_LINE = 4
# And enough lines to be a menu: a brief note of two short lines is not evidence of anything.
_MENU_LINES = 5
# A tag, category or author archive (WordPress's and most CMSs' paths), or a later page of one: the path ends
# there. A story filed under a category has its own slug after it ('/category/politics/some-story/' is not one).
_INDEX_PATH = regex.compile(
    r"(?i)/(?:tag|category|author)/[^/]+(?:\.html?)?/?(?:topic/[^/]+/?)?(?:page/\d+/?)?$")
# An index shows teasers, a few lines each; some blogs' show whole posts, which are kept.
_INDEX_MAX_WORDS = 300


def not_article_evidence(body: str, url: str | None = None) -> str | None:
    """Why ``body`` (the text without its headline, after the rules) is not an article, or None.

    >>> not_article_evidence("Ooops... Error 404\\n\\nSorry, but the page you are looking for doesn't exist.")
    "an error page: 'Ooops... Error 404' in a text of 13 words"
    >>> not_article_evidence("Series Navigation\\n- Episodes\\n- More Like This\\nEpisodes\\n- This episode")
    'no line of 10 words or more in 5 lines (first: Series Navigation)'
    >>> not_article_evidence("The council voted on Monday to close the pool for good.") is None
    True
    >>> not_article_evidence("A teaser of the latest post...", "https://blog.example.com/tag/pools/page/2/")
    "an index page: its URL's path ends '/tag/pools/page/2/', and it holds 6 words"
    >>> not_article_evidence("A story filed under a category.", "https://example.com/category/local/pool-closes/") is None
    True
    """
    words = word_count(body)
    index = _INDEX_PATH.search(urlsplit(url).path) if url and words < _INDEX_MAX_WORDS else None
    if index:
        return f"an index page: its URL's path ends {index.group()!r}, and it holds {words} words"
    # The search only on short texts: it is the costly part, and an article is long.
    error = _ERROR_PAGE.search(body) if words <= _ERROR_PAGE_MAX_WORDS else None
    if error:
        return f"an error page: {error.group()!r} in a text of {words} words"
    lines = [line for line in body.split("\n") if line.strip()]
    # A menu's lines average under 4 words: most articles are ruled out here, before a line is counted.
    if len(lines) < _MENU_LINES or words >= _MENU_WORDS_PER_LINE * len(lines):
        return None
    counts = [word_count(line) for line in lines]
    if max(counts) < _PROSE_WORDS:
        return f"no line of {_PROSE_WORDS} words or more in {len(lines)} lines (first: {lines[0][:80]})"
    return None


class RejectNotArticles(Step):
    name = "not_article"

    def __init__(self, reject: bool = True):
        self.reject = reject   # False: --keep_not_articles

    @classmethod
    def from_options(cls, rules: Sequence[Rule], options: CleanOptions) -> RejectNotArticles:
        return cls(options.reject_not_articles)

    def apply(self, draft: Draft) -> None:
        if not self.reject:
            return
        evidence = not_article_evidence(draft.body, draft.article.url)
        if evidence:
            raise Rejected("clean", "not_article",
                           f"not an article: {evidence}")
