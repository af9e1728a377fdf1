"""What a page states about itself: headline, canonical URL, author, date, site name, language."""

from __future__ import annotations

import contextlib
import json
import re
from copy import deepcopy
from dataclasses import dataclass, field
from html import unescape

from htmldate import find_date
from lxml import etree
from trafilatura.json_metadata import (
    JSON_UNICODE_REPLACE,
    extract_json,
    extract_json_parse_error,
    normalize_authors,
)
from trafilatura.metadata import META_URL, examine_meta, extract_sitename, extract_url
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import HTML_STRIP_TAGS, line_processing, trim
from trafilatura.xml import delete_element

from pipeline.core.site_suffix import site_names, strip_site_suffix


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    url: str | None = None
    # Only what the page states: author, date (ISO), site_name, language.
    fields: dict[str, str] = field(default_factory=dict)


def _first(tree, xpath: str) -> str | None:
    for value in tree.xpath(xpath):
        text = " ".join(str(value).split())
        if text:
            return text
    return None


def head_statements(tree) -> dict[str, str]:
    """What the page's ``<meta>`` and ``<link>`` elements state of its headline and URL: the first non-blank
    value (spaces collapsed) of each of ``og:site_name``, ``og:title`` (a property or a name), ``canonical`` (the
    ``href`` of ``<link rel="canonical">``) and ``og:url``, in one pass over those elements, not a query over the
    whole page for each.

    >>> from lxml import html
    >>> head_statements(html.fromstring('<html><head><meta property="og:title" content=" "><meta name="og:title" '
    ...     'content=" Storm  cuts power"><link rel="canonical" href="https://h.example/a"></head></html>'))
    {'og:title': 'Storm cuts power', 'canonical': 'https://h.example/a'}
    """
    found: dict[str, str] = {}
    named: tuple[str, ...]
    for element in tree.iter("meta", "link"):
        if element.tag == "link":
            named = ("canonical",) if element.get("rel") == "canonical" else ()
            value = element.get("href")
        else:
            prop = element.get("property")
            named = tuple(key for key in ("og:site_name", "og:title", "og:url")
                          if prop == key or (key == "og:title" and element.get("name") == key))
            value = element.get("content")
        if named and value is not None and (text := " ".join(value.split())):
            for key in named:
                found.setdefault(key, text)
    return found


def page_title(tree, url: str | None, stated: dict[str, str]) -> str | None:
    """``og:title``, else ``<title>`` without a site suffix, else the first ``<h1>``; never a body paragraph.
    ``stated``: the page's :func:`head_statements`."""
    names = site_names(url, stated.get("og:site_name"))
    og_title = stated.get("og:title")
    if og_title:
        return strip_site_suffix(og_title, names, always=False)
    title = _first(tree, "//head/title/text()") or _first(tree, "//title/text()")
    if title:
        return strip_site_suffix(title, names, always=True)
    for heading in tree.xpath("//h1"):
        text = " ".join(heading.text_content().split())
        if text:
            return text
    return None


def page_url(stated: dict[str, str]) -> str | None:
    return stated.get("canonical") or stated.get("og:url")


def _trimmed(value: str | None) -> str | None:
    """A field as trafilatura's ``Document.clean_and_trim`` leaves it: at most 10,000 characters, entities decoded."""
    if not value:
        return value
    return line_processing(unescape(value if len(value) <= 10_000 else value[:9999] + "…"))


# trafilatura 2.3.1's extract_author, its XPath expressions (trafilatura.xpaths) written as tests of one element.
# It copies the page, prunes the copy with the first two and looks for a byline with the other three, each
# expression walking the whole page and calling back into Python for each element's ``re:test``: 5 ms a page on
# the benchmark's pages, more than any other part of the metadata. The tests, tried on the page's elements in
# order until a byline is found (page_author), take a quarter of that. tests/core/pages/test_pages.py checks that
# trafilatura's expressions are still those below, that each test picks the elements its expression picks, and
# that page_author finds what extract_author finds.
AUTHOR_DISCARD_XPATH = ("""
        .//*[self::a or self::div or self::section or self::span][
        @id='comments' or @class='comments' or @class='title' or @class='date' or
        re:test(@id, '^comments|comment-?list|ProductReviews') or
        re:test(@class, '^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"""
                        """|article-(?:share|support)|print|category|meta-date|meta-reviewer') or
        contains(@data-component, 'Figure')]
        """)
_DISCARD_TAGS = ("a", "div", "section", "span")
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
                            r"|article-(?:share|support)|print|category|meta-date|meta-reviewer")


def discarded_for_author(element) -> bool:
    """The test of ``AUTHOR_DISCARD_XPATHS[0]`` (bylines are not looked for in comments, sidebars, quotes...),
    for an element of ``_DISCARD_TAGS``."""
    get = element.get
    identifier, classes = get("id", ""), get("class", "")
    return (identifier == "comments" or classes in ("comments", "title", "date") or bool(_DISCARD_ID.search(identifier))
            or bool(_DISCARD_CLASS.search(classes)) or "Figure" in get("data-component", ""))


AUTHOR_XPATHS = (
    """
        //*[self::a or self::address or self::div or self::link or self::p or self::span or self::strong][
        @rel='author' or @id='author' or @class='author' or @itemprop='author name' or rel='me' or
        @data-testid='AuthorCard' or @data-testid='AuthorURL' or
        re:test(@class, 'author-?name|AuthorName|authorName')]|//author
        """,
    """
        //*[self::a or self::div or self::h3 or self::h4 or self::p or self::span][
        @class='byline' or @class='username' or @class='byl' or @class='BBL' or
        contains(@itemprop, 'author') or
        re:test(@id, 'author|zuozhe|bianji|xiaobian') or
        re:test(@class, 'author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name')]
        """,
    """
        //*[
        contains(@data-component, 'Byline') or contains(@itemprop, 'author') or
        re:test(@id, '[Aa]uthor') or
        re:test(@class, '[Aa]uthor|screenname|writer|[Bb]yline')]
        """,
)
_SPECIFIC_TAGS = frozenset(("a", "address", "div", "link", "p", "span", "strong"))
_SPECIFIC_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_BYLINE_TAGS = frozenset(("a", "div", "h3", "h4", "p", "span"))
_BYLINE_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_BYLINE_CLASS = re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_ANY_ID = re.compile(r"[Aa]uthor")
_ANY_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")


def _specific_byline(element) -> bool:
    if element.tag == "author":
        return True
    if element.tag not in _SPECIFIC_TAGS:
        return False
    get = element.get
    return (get("rel") == "author" or get("id") == "author" or get("class") == "author"
            or get("itemprop") == "author name" or get("data-testid") in ("AuthorCard", "AuthorURL")
            or bool(_SPECIFIC_CLASS.search(get("class", "")))
            or any(child.tag == "rel" and child.text_content() == "me" for child in element))   # XPath's rel='me'


def _byline(element) -> bool:
    if element.tag not in _BYLINE_TAGS:
        return False
    get = element.get
    return (get("class") in ("byline", "username", "byl", "BBL") or "author" in get("itemprop", "")
            or bool(_BYLINE_ID.search(get("id", ""))) or bool(_BYLINE_CLASS.search(get("class", ""))))


def _any_byline(element) -> bool:
    get = element.get
    return ("Byline" in get("data-component", "") or "author" in get("itemprop", "")
            or bool(_ANY_ID.search(get("id", ""))) or bool(_ANY_CLASS.search(get("class", ""))))


# In the order of AUTHOR_XPATHS.
AUTHOR_TESTS = (_specific_byline, _byline, _any_byline)


def _pruned(element, root) -> bool:
    """Whether trafilatura's pruning for the byline search deletes ``element`` itself: a match of
    ``AUTHOR_DISCARD_XPATHS[0]`` (below the root) or a ``<time>`` or ``<figure>``."""
    tag = element.tag
    return tag in ("time", "figure") or (tag in _DISCARD_TAGS and element is not root and discarded_for_author(element))


def _kept(element, root) -> bool:
    """Whether ``element`` is in the pruned copy of ``root``: neither it nor an element above it is pruned."""
    while element is not None:
        if _pruned(element, root):
            return False
        if element is root:
            return True
        element = element.getparent()
    return True


def _byline_of_pruned_copy(tree) -> str | None:
    """trafilatura's way: the whole page copied and pruned, then searched."""
    subtree = deepcopy(tree)
    # prune_unwanted_nodes(subtree, AUTHOR_DISCARD_XPATHS): each expression's matches found, then deleted.
    for element in [element for element in subtree.iterdescendants(_DISCARD_TAGS) if discarded_for_author(element)]:
        delete_element(element)
    for element in list(subtree.iter("time", "figure")):
        delete_element(element)
    # extract_metainfo(subtree, AUTHOR_XPATHS, len_limit=120), each expression's elements in document order.
    for test in AUTHOR_TESTS:
        for element in subtree.iter(etree.Element):
            if test(element):
                content = trim(" ".join(element.itertext()))
                if content and 2 < len(content) < 120:
                    return normalize_authors(None, content)
    return None


def page_author(tree) -> str | None:
    """The byline in the page's body, as trafilatura 2.3.1's ``extract_author(tree)`` finds it: out of a copy
    of the page without comments, sidebars, quotes, dates and figures, the first element of the first of its
    expressions whose text is 3 to 119 characters long, as ``normalize_authors`` leaves it.

    Without the copy where that gives the same: an element the pruning keeps, with nothing pruned inside it, has
    the same text in the pruned copy (a pruned element's tail joins its previous sibling's or its parent's text,
    never the text of an element beside it), and the tests read attributes, which pruning leaves alone (all but
    XPath's ``rel='me'``, the text of a ``<rel>`` child: a page with a ``<rel>`` element is copied). So the
    elements are tried in the page itself, and a page is copied and pruned only when an element tried holds a
    part that the pruning would take out.

    >>> from lxml import html
    >>> page_author(html.fromstring('<html><body><div class="sidebar"><p class="byline">By Bo Chen</p></div>'
    ...                             '<p class="byline">By <time>today</time>Ann Lee</p></body></html>'))
    'Ann Lee'
    """
    if next(tree.iter("rel"), None) is not None:
        return _byline_of_pruned_copy(tree)
    for test in AUTHOR_TESTS:
        for element in tree.iter(etree.Element):
            if not test(element) or not _kept(element, tree):
                continue
            if any(_pruned(inside, tree) for inside in element.iterdescendants()):
                return _byline_of_pruned_copy(tree)
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


# trafilatura 2.3.1's extract_meta_json, its steps with two of them done in C. It minifies each JSON-LD script with
# re.compile(r'("(?:\\.|[^"\\])*")|\s').sub(r"\1", text), a Python call to expand the template for each string and
# each space (20,000 on the benchmark's pages); joining what this finds (the strings, the runs of other characters, a
# quote that opens no string) is the same text. And it drops the surrogates of an escaped script character by
# character. tests/core/pages/test_pages.py checks both against trafilatura's and meta_json against extract_meta_json.
_JSON_KEPT = re.compile(r'"(?:\\.|[^"\\])*"|[^\s"]+|"')
_SURROGATES = re.compile("[\ud800-\udfff]")
_JSON_SCRIPT_TYPES = ("application/ld+json", "application/settings+json")


def minify_json(text: str) -> str:
    """``text`` without its spaces outside strings, as trafilatura's ``JSON_MINIFY.sub(r"\\1", text)``.

    >>> minify_json('{"name": "Ann  Lee",\\n "x": [1, 2]}')
    '{"name":"Ann  Lee","x":[1,2]}'
    """
    return "".join(_JSON_KEPT.findall(text))


def normalize_json(text: str) -> str:
    """trafilatura's ``normalize_json``: escapes decoded, surrogates and tags dropped, trimmed."""
    if "\\" in text:
        text = text.replace("\\n", "").replace("\\r", "").replace("\\t", "")
        text = JSON_UNICODE_REPLACE.sub(lambda match: chr(int(match[1], 16)), text)
        text = unescape(_SURROGATES.sub("", text))
    return trim(HTML_STRIP_TAGS.sub("", text))


def meta_json(tree, metadata: Document) -> Document:
    """What the page's JSON-LD scripts state, added to ``metadata``: trafilatura's ``extract_meta_json``."""
    for script in tree.iterdescendants("script"):
        if not script.text or script.get("type") not in _JSON_SCRIPT_TYPES:
            continue
        text = normalize_json(minify_json(script.text))
        try:
            # strict=False, as trafilatura reads it: control characters inside strings are accepted
            metadata = extract_json(json.loads(text, strict=False), metadata)
        except json.JSONDecodeError:
            metadata = extract_json_parse_error(text, metadata)
    return metadata


def stated_fields(tree, url: str | None = None) -> tuple[str | None, str | None, str | None]:
    """``(author, date, site name)`` exactly as trafilatura 2.3.1's ``extract_metadata(tree, url, extensive=False)``
    finds them, without the fields of it the job never uses (its title, categories, tags, licence: a third of its
    time on the benchmark's pages). Its steps in its order, as ``tests/core/pages/test_pages.py`` checks against it.

    >>> from lxml import html
    >>> stated_fields(html.fromstring('<html><head><meta name="author" content="Ann Lee"></head><body></body></html>'),
    ...               "https://www.herald.example/a")
    ('Ann Lee', None, 'herald.example')
    >>> stated_fields(html.fromstring('<html><head><meta name="author" content="Ann"></head><body></body></html>'))
    (None, None, None)
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:   # one word is a handle or a role, not a name
        found.author = None
    with contextlib.suppress(Exception):
        found = meta_json(tree, found)
    author = found.author or page_author(tree)
    found_url = found.url or extract_url(tree, url)
    date = find_date(tree, **{**set_date_params(extensive=False), "url": found_url})
    site = found.sitename or extract_sitename(tree)
    if site:
        site = site.lstrip("@")
        if site and "." not in site and not site[0].isupper():
            site = site.title()
    elif found_url and (match := META_URL.match(found_url)):
        site = match[1]
    return _trimmed(author), _trimmed(date), _trimmed(site)


def page_meta(tree, url: str | None = None) -> PageMeta:
    """Headline, URL and the metadata fields the page states, from one parsed tree (left unchanged)."""
    stated = head_statements(tree)
    url = page_url(stated) or url
    # extensive=False: htmldate's extensive search found the same dates on all 90 benchmark pages, at 2.4x the cost.
    author, date, site_name = stated_fields(tree, url)
    fields = {"author": author, "date": date, "site_name": site_name, "language": tree.get("lang") or None}
    return PageMeta(title=page_title(tree, url, stated), url=url,
                    fields={key: " ".join(value.split()) for key, value in fields.items() if value and value.strip()})
