"""What the article extraction left out of a page, as ledger removals (``step: extract``), with ``--ledger``.

The page's full text (``--html_mode full``) is the reference: every removal is a run of its lines, with
``full[start:end] == text``, the tag path of the element it is in, and why it went, as far as the extraction
knows. A line counts as kept when more than half its words are in trafilatura's text, the two aligned word by
word in order (``difflib``: a short line such as "Home" is not "kept" by the same word in the story); the other
lines are removals, and consecutive ones for one cause in one element are one removal. The causes, first that
applies:

``link_list``       a list of links the page code dropped before extraction (related stories)
``furniture_line``  a line trafilatura kept that the page code drops as furniture (``Read more:``, share prompts)
``menu``            trafilatura's text was only the page's link texts: the page has no article
``precise_run_loss`` the precise run dropped it, the default run kept it, and the precise text was used (the default
                    run was not enough longer to win). When the default run wins, the precise run's loss is
                    recovered and is in the article: no removal
``title``           the page's title: not in the text, it is the record's ``title``
``navigation``      in a ``<nav>``, a ``role=navigation`` or menu, or an element whose class or id says nav or menu
``comments``        in an element whose class or id says comments (trafilatura runs without comments)
``boilerplate``     in a header, footer, aside or form, or an element whose class or id says share, related,
                    newsletter, sidebar, ad...
``not_extracted``   trafilatura left it out and its markup says nothing of why

Plain text work, no Beam; only called with the ledger on, so a run without it pays nothing.
"""

from __future__ import annotations

import bisect
import re
from difflib import SequenceMatcher

from pipeline.core.ledger import CONTEXT_CHARS, EXTRACT, Removal
from pipeline.core.pages.article import Extraction
from pipeline.core.pages.full_text import Line, Opened

LINK_LIST, FURNITURE_LINE, MENU, PRECISE_RUN_LOSS, TITLE = (
    "link_list", "furniture_line", "menu", "precise_run_loss", "title")
NAVIGATION, COMMENTS, BOILERPLATE, NOT_EXTRACTED = "navigation", "comments", "boilerplate", "not_extracted"

_WORD = re.compile(r"\w+")
# Class and id names are split into tokens at spaces, dashes and underscores: "site-nav", "comment_list".
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
_NAVIGATION_TOKEN = re.compile(r"nav\w*|\w+nav|menus?|\w+menu|breadcrumbs?|pagination", re.IGNORECASE)
_COMMENTS_TOKEN = re.compile(r"comments?|comment\w+|disqus\w*|respond|replies", re.IGNORECASE)
_BOILERPLATE_TOKEN = re.compile(
    r"footer|header|masthead|sidebar|share\w*|social|related|promo\w*|ads?|advert\w*|newsletter|subscribe"
    r"|cookies?|banner|widget|byline|tags|recommended|trending|outbrain|taboola", re.IGNORECASE)
_BOILERPLATE_TAGS = {"header", "footer", "aside", "form"}
_ROLES = {"navigation": NAVIGATION, "menu": NAVIGATION, "menubar": NAVIGATION, "banner": BOILERPLATE,
          "contentinfo": BOILERPLATE, "complementary": BOILERPLATE, "search": BOILERPLATE}
# Elements named in a tag path, innermost last; a deeper element's path starts with "…/".
PATH_ELEMENTS = 12
# Characters of an id or a class name in a tag path: a page's generated names can be any length.
_NAME_CHARS = 40


def markup_cause(element) -> str | None:
    """What an element's own markup says it is: navigation, comments, boilerplate, or None.

    >>> from lxml import html
    >>> markup_cause(html.fromstring('<div class="site-nav">x</div>'))
    'navigation'
    >>> markup_cause(html.fromstring('<ol id="comment_list"><li>x</li></ol>'))
    'comments'
    >>> markup_cause(html.fromstring('<div class="canvas story-body">x</div>')) is None
    True
    """
    tag = element.tag
    if tag == "nav":
        return NAVIGATION
    role = _ROLES.get((element.get("role") or "").strip().lower())
    if role:
        return role
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    if names.strip():
        tokens = [token for token in _TOKEN_SPLIT.split(names) if token]
        for pattern, cause in ((_NAVIGATION_TOKEN, NAVIGATION), (_COMMENTS_TOKEN, COMMENTS),
                               (_BOILERPLATE_TOKEN, BOILERPLATE)):
            if any(pattern.fullmatch(token) for token in tokens):
                return cause
    return BOILERPLATE if tag in _BOILERPLATE_TAGS else None


def tag_label(element) -> str:
    """An element as a tag path names it: its tag, ``#id`` and first two classes.

    >>> from lxml import html
    >>> tag_label(html.fromstring('<ul id="more" class="links  related teaser"><li>x</li></ul>'))
    'ul#more.links.related'
    """
    label = element.tag
    if element.get("id"):
        label += "#" + element.get("id").strip()[:_NAME_CHARS]
    for name in (element.get("class") or "").split()[:2]:
        label += "." + name[:_NAME_CHARS]
    return label


def tag_path(inside: Opened | None) -> str:
    """The path from the page's root to an open element, at most PATH_ELEMENTS long.

    >>> from lxml import html
    >>> body = html.fromstring('<html><body><nav class="top"><a>x</a></nav></body></html>')[0]
    >>> tag_path(Opened(body[0], Opened(body, Opened(body.getparent(), None))))
    'html/body/nav.top'
    >>> deep = None
    >>> for _ in range(20):
    ...     deep = Opened(body, deep)
    >>> tag_path(deep) == "…/" + "/".join(["body"] * PATH_ELEMENTS)
    True
    """
    labels: list[str] = []
    while inside is not None and len(labels) <= PATH_ELEMENTS:
        labels.append(tag_label(inside.element))
        inside = inside.parent
    if len(labels) > PATH_ELEMENTS:
        labels[PATH_ELEMENTS:] = ["…"]
    return "/".join(reversed(labels))


def _matched_words(full_words: list[str], text: str) -> list[int]:
    """For each word of the full text, the index of the word of ``text`` it is aligned with, or -1."""
    words = _WORD.findall(text)
    matched = [-1] * len(full_words)
    for first, other_first, size in SequenceMatcher(None, full_words, words).get_matching_blocks():
        matched[first:first + size] = range(other_first, other_first + size)
    return matched


class _Marked:
    """The nearest open element (or itself) whose markup says what it is, per open element, each found once."""

    def __init__(self):
        self.found: dict[int, tuple[str, Opened] | None] = {}

    def __call__(self, inside: Opened | None) -> tuple[str, Opened] | None:
        walked = []
        result = None
        while inside is not None:
            if id(inside) in self.found:
                result = self.found[id(inside)]
                break
            walked.append(inside)
            cause = markup_cause(inside.element)
            if cause:
                result = (cause, inside)
                break
            inside = inside.parent
        for opened in walked:   # every element walked through has the same answer: each is walked once
            self.found[id(opened)] = result
        return result


def extraction_removals(full: str, lines: list[Line], extraction: Extraction,
                        title: str | None) -> tuple[Removal, ...]:
    """The removals of the extraction of a page whose full text is ``full`` (its lines from
    :func:`~pipeline.core.pages.full_text.full_text_lines`, taken before the extraction changed the tree)."""
    word_spans = [match.span() for match in _WORD.finditer(full)]
    word_starts = [start for start, _ in word_spans]
    full_words = [full[start:end] for start, end in word_spans]
    # Each word of trafilatura's text belongs to one of its lines: kept, furniture, or (a menu) none kept.
    extracted = extraction.extracted
    in_extracted = _matched_words(full_words, extracted)
    line_of_word: list[int] = []
    kept_line: list[bool] = []
    for number, extracted_line in enumerate(extracted.split("\n")):
        line_of_word += [number] * len(_WORD.findall(extracted_line))
        kept_line.append(not extraction.menu and bool(extracted_line.strip())
                         and extracted_line not in extraction.furniture)
    in_default = _matched_words(full_words, extraction.default_lost) if extraction.default_lost is not None else None
    link_listed = {element for listing in extraction.link_lists for element in listing.iter()}
    marked = _Marked()
    title = (title or "").strip()

    removals: list[Removal] = []
    group: tuple[str, Opened | None] | None = None   # the last removal's cause and element, while it can grow
    for line in lines:
        first, last = bisect.bisect_left(word_starts, line.start), bisect.bisect_left(word_starts, line.end)
        words = last - first
        if not words:
            continue   # a line of punctuation or symbols: nothing to lose
        aligned = [in_extracted[i] for i in range(first, last) if in_extracted[i] >= 0]
        kept = sum(1 for i in aligned if kept_line[line_of_word[i]])
        if 2 * kept > words:
            group = None
            continue
        cause, where = _cause(line, words, len(aligned) - kept, in_default, first, last, link_listed, marked, title,
                              extraction.menu)
        if group is not None and group[0] == cause and _within(where, group[1]):
            # The next line of the same element (a comment of the comments section): one removal.
            previous = removals[-1]
            removals[-1] = _removal(full, cause, previous.start, line.end, previous.path or "")
        else:
            removals.append(_removal(full, cause, line.start, line.end, tag_path(where)))
            group = cause, where
    return tuple(removals)


# How far up from a line its removal's element is looked for: deeper nesting is a new removal.
_WITHIN_STEPS = 64


def _within(inside: Opened | None, outer: Opened | None) -> bool:
    """Whether ``outer`` is ``inside`` or one of the elements around it."""
    for _ in range(_WITHIN_STEPS):
        if inside is None:
            return False
        if inside is outer:
            return True
        inside = inside.parent
    return False


def _cause(line: Line, words: int, in_extracted: int, in_default: list[int] | None, first: int, last: int,
           link_listed: set, marked: _Marked, title: str, menu: bool) -> tuple[str, Opened | None]:
    """Why a line is not in the article, and the element it went with (its removal's tag path)."""
    inside = line.inside
    if inside is not None and inside.element in link_listed:
        listing = inside
        while listing.parent is not None and listing.parent.element in link_listed:
            listing = listing.parent
        found = marked(listing)
        # A list of links in the page's navigation is navigation; elsewhere, related stories.
        return found if found and found[0] == NAVIGATION else (LINK_LIST, listing)
    if 2 * in_extracted > words:
        return (MENU if menu else FURNITURE_LINE), inside
    if in_default is not None and 2 * sum(1 for i in range(first, last) if in_default[i] >= 0) > words:
        return PRECISE_RUN_LOSS, inside
    if title and line.text.strip() == title:
        return TITLE, inside
    found = marked(inside)
    if found:
        return found
    return NOT_EXTRACTED, inside


def _removal(full: str, cause: str, start: int, end: int, path: str) -> Removal:
    return Removal(EXTRACT, cause, start, end, full[start:end], "", full[max(0, start - CONTEXT_CHARS):start],
                   full[end:end + CONTEXT_CHARS], path=path)
