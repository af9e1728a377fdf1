"""Teasers and paywalls: evidence that a text is not the whole article (``stats.truncated``).

A flag, not a removal: nothing here changes a text. Two kinds of evidence:

- the text's own closing notice (:func:`notice_evidence`): its last lines say the story goes on behind a
  paywall ("Subscribe to continue reading", "You have reached your free article limit") or elsewhere
  ("Continue reading →", "Read the full article here."). Whole lines only, and only at the end: a sentence
  ABOUT a paywall ("The Times introduced a paywall in 2010") or a notice in the middle of a story is not one.
- the page's own markup (:func:`markup_evidence`, HTML and WARC input): the schema.org paywall markup
  (``isAccessibleForFree`` false with a ``hasPart`` whose ``cssSelector`` names the paywalled part) when the
  page serves no text in that part, or a container whose class says its text is cut or locked.

``isAccessibleForFree`` false alone is not evidence: it says the article is paid for, not that the page holds
less of it. Publishers serve the whole text inside the named part to crawlers (Google asks them to); on the
article-extraction benchmark three of the four pages so marked hold their whole article there, the fourth
(WSJ) has no element matching its ``.paywall`` selector and a text of 88 words. A bare ``paywall`` class (LA Times,
Barron's) is the same: it wraps the full text. Meta hints (``article:content_tier`` ``metered``) say the same
about access and are not read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree

from pipeline.core.words import word_count

# How many of the text's last non-blank lines a closing notice may stand in. Three, because a notice is often
# followed by a line or two of page furniture (a copyright line, a share bar) that the rules remove later.
END_LINES = 3
# A notice is a line of its own, short; a longer line is prose that happens to hold the words.
_MAX_NOTICE_CHARS = 200
# A call to action that may follow a notice on its line ("... subscribers only. Subscribe now from $1").
_ACTION_TAIL = (r"(?:[ ]+(?:please[ ]+)?(?:subscribe|sign[ ]in|log[ ]in|register|become|join|already|start|get|try"
                r"|click|see|view)\b.{0,150})?")
_READ_ON = (r"(?:continue[ ]reading|keep[ ]reading|read[ ](?:more|on|the[ ](?:full|rest|whole|entire)\b.{0,60}"
            r"|this[ ](?:article|story)|the[ ](?:article|story))|unlock\b.{0,60}|get[ ](?:full|unlimited)[ ]access\b.{0,60})")
_SIGN_UP = r"(?:subscribe|sign[ ]in|log[ ]in|register|become[ ]a[ ](?:subscriber|member)|create[ ]a[ ](?:free[ ])?account)"
_PAYWALL_NOTICE = re.compile(
    rf"""^(?:
        # Subscribe to continue reading / Subscribe today to read more
        (?:please[ ])?{_SIGN_UP}(?:[ ](?:now|today|here))?[ ](?:to|and)[ ](?:{_READ_ON}|read)
        # To read the full story, subscribe
      | to[ ]{_READ_ON},?[ ](?:please[ ])?{_SIGN_UP}\b.{{0,100}}
        # This article is for subscribers only
      | (?:the[ ]rest[ ]of[ ])?this[ ](?:article|story|content|post|page|piece)[ ]is[ ](?:only[ ])?
        (?:available[ ]|reserved[ ]|exclusive[ ])?(?:exclusively[ ])?(?:for|to)[ ](?:our[ ])?
        (?:paid[ ]|paying[ ]|premium[ ]|digital[ ])?(?:subscribers|members)(?:[ ]only)?
        # You have reached your free article limit
      | you(?:['’]ve|[ ]have)[ ](?:reached|hit|used[ ](?:up[ ])?)[ ](?:your|the)[ ](?:\w+[ ]){{0,2}}(?:article|story)[ ]limit
        # You have read all your free articles this month
      | you(?:['’]ve|[ ]have)[ ](?:read|used)[ ](?:all[ ])?(?:your|\d+[ ]of[ ](?:your[ ])?\d+)[ ](?:free[ ])?articles?
        (?:[ ]this[ ]month)?
        # Already a subscriber? Log in
      | already[ ]a[ ](?:subscriber|member)\?[ ]*(?:sign|log)[ ]?in\b.{{0,100}}
    )[ ]*[.!…]*{_ACTION_TAIL}[ ]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TEASER_NOTICE = re.compile(
    r"""^(?:
        # Continue reading →
        (?:click[ ]here[ ]to[ ])?(?:continue|keep)[ ]reading[ ]*(?:→|»|›|>>?|:|\.{3}|…)?
        # CLICK HERE TO CONTINUE READING MICHAEL GOODWIN IN THE NEW YORK POST.
      | click[ ]here[ ]to[ ](?:continue|keep)[ ]reading\b.{0,100}
        # Continue reading on Medium
      | (?:continue|keep)[ ]reading[ ](?:the[ ](?:full|rest[ ]of[ ]the|original|complete)[ ](?:article|story|post)[ ])?
        (?:on|at)[ ]\S.{0,60}
        # Read the full article here.
      | (?:click[ ]here[ ]to[ ])?read[ ](?:the[ ])?(?:full|rest[ ]of[ ]the|rest[ ]of[ ]this|entire|complete|whole)[ ]
        (?:article|story|post|piece)(?:[ ]here|[ ](?:on|at)[ ]\S.{0,60})?
    )[ ]*(?:[.!:]|→|»)?[ ]*$""",
    re.IGNORECASE | re.VERBOSE,
)


def notice_evidence(text: str) -> str | None:
    """The closing paywall or continue-elsewhere notice among the last lines of ``text``, described; or None.

    >>> notice_evidence("The council met.\\n\\nSubscribe to continue reading.")
    "a paywall notice in the last lines: 'Subscribe to continue reading.'"
    >>> notice_evidence("The council met.\\n\\nContinue reading →")
    "a continue-elsewhere notice in the last lines: 'Continue reading →'"
    >>> notice_evidence("The Times introduced a paywall in 2010, and readers who subscribe to continue reading pay $4.") is None
    True
    """
    for line in last_lines(text, END_LINES):
        if len(line) > _MAX_NOTICE_CHARS:
            continue
        if _PAYWALL_NOTICE.match(line):
            return f"a paywall notice in the last lines: {line!r}"
        if _TEASER_NOTICE.match(line):
            return f"a continue-elsewhere notice in the last lines: {line!r}"
    return None


def last_lines(text: str, count: int) -> list[str]:
    """The last ``count`` non-blank lines of ``text``, stripped, in order; read from the end, not split whole.

    >>> last_lines("One\\n\\nTwo\\n \\nThree\\n", 2)
    ['Two', 'Three']
    """
    found: list[str] = []
    end = len(text)
    while end > 0 and len(found) < count:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line:
            found.append(line)
        end = start - 1
    return found[::-1]


# Fewer words than this in the part a page names as paywalled: a prompt at most, not the rest of the article.
_SERVED_PART_WORDS = 25
# ".paywall", "#story-body", "div.locked": the selector shapes publishers' paywall markup uses. Others are not judged.
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?([.#])([A-Za-z_][\w-]*)$")
# A class token naming a cut or locked text container: "article--truncated", "content-locked", "paywall-truncated".
# Not "truncate", "caption-truncated", "title truncate" (CSS ellipsis on headlines and captions), nor a bare
# "locked" (a scroll lock on <body> under a modal).
_CUT_CLASS = re.compile(
    r"(?i)^(?=[\w-]*(?:article|content|story|body|post|paywall|premium))(?:[a-z]+[-_]{1,2})*(?:truncated|locked)"
    r"(?:[-_]{1,2}[a-z]+)*$")


# Compiled once: a page's markup is read with the same queries every time.
# The query '//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]' as a walk of the page's <script>
# elements, which lxml finds in C: a query evaluates its predicate on every element (0.2 ms a page).
_LOWER_LDJSON = str.maketrans("LDJSON", "ldjson")
_HAS_PART = etree.XPath('//*[@itemprop="hasPart"]')
_PART_FREE = etree.XPath('.//*[@itemprop="isAccessibleForFree"]/@content')
_PART_SELECTOR = etree.XPath('.//*[@itemprop="cssSelector"]/@content')
_WITH_CLASS = etree.XPath('//body//*[($tag = "" or local-name() = $tag) '
                          'and contains(concat(" ", normalize-space(@class), " "), $name)]')
_WITH_ID = etree.XPath('//body//*[($tag = "" or local-name() = $tag) and @id = $name]')
# The substring test in the query: a page's thousands of classed elements are not walked in Python.
_CUT_CANDIDATES = etree.XPath('//body//*[contains(@class, "truncated") or contains(@class, "locked")]')
# A numeric character reference that may stand for an ASCII letter (&#116; &#x74;, leading zeros, with or without
# its semicolon, as libxml2 reads them): an attribute value in the tree can hold a word its markup does not spell.
_LETTER_REFERENCE = re.compile(r"&#(?:0*(?:6[5-9]|[789]\d|1[01]\d|12[0-2])(?!\d)"
                               r"|[xX]0*(?:4[1-9a-fA-F]|[56][\da-fA-F]|7[\daA])(?![\da-fA-F]))")


def _not_free(value: object) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _json_objects(value: object) -> Iterator[dict]:
    """Every object in a parsed JSON-LD value, nested ones (``@graph``, ``mainEntity``) included."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _ld_json_scripts(tree) -> list:
    return [script for script in tree.iter("script") if "ld+json" in (script.get("type") or "").translate(_LOWER_LDJSON)]


class _Markup:
    """Which words a page's parsed attributes may hold, by its markup: a word the markup does not spell, with no
    character reference that may stand for a letter, is in no attribute, and the query that looks for it over the
    whole page (0.4 to 0.6 ms) can only find nothing. Each search of the markup runs in C, in a tenth of that."""

    def __init__(self, markup: str | None):
        self.markup = markup
        self._references: bool | None = None

    def may_hold(self, *words: str) -> bool:
        if self.markup is None or any(word in self.markup for word in words):
            return True
        if self._references is None:
            self._references = _LETTER_REFERENCE.search(self.markup) is not None
        return self._references


def paywalled_selectors(tree, markup: str | None = None) -> list[tuple[str, str]]:
    """``(cssSelector, where)`` of each part the page's schema.org markup names as not free (JSON-LD or microdata).

    >>> from lxml import html
    >>> paywalled_selectors(html.fromstring('<html><head><script type="application/ld+json">{"isAccessibleForFree":'
    ...     'false,"hasPart":{"isAccessibleForFree":"False","cssSelector":".paywall"}}</script></head><body></body></html>'))
    [('.paywall', 'JSON-LD')]
    >>> paywalled_selectors(html.fromstring('<html><body><p>Free to read.</p></body></html>'))
    []

    ``markup``, the page's markup the tree was parsed from, spares the search for microdata where it names no part.
    """
    return _paywalled_selectors(tree, _Markup(markup))


def _paywalled_selectors(tree, spelled: _Markup) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for script in _ld_json_scripts(tree):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):   # a page's broken (or too deeply nested) JSON-LD is no statement
            continue
        for item in _json_objects(data):
            if _not_free(item.get("isAccessibleForFree")) and isinstance(item.get("cssSelector"), str):
                found.append((item["cssSelector"].strip(), "JSON-LD"))
    for part in (_HAS_PART(tree) if spelled.may_hold("hasPart") else ()):
        free = _PART_FREE(part)
        selector = _PART_SELECTOR(part)
        if free and selector and _not_free(free[0]):
            found.append((selector[0].strip(), "microdata"))
    return found


def _elements(tree, selector: str) -> list | None:
    """The elements a simple selector (or a comma list of them) matches; None for a selector not judged here."""
    elements = []
    for one in selector.split(","):
        shape = _SIMPLE_SELECTOR.match(one.strip())
        if not shape:
            return None
        tag, kind, name = shape.groups()
        elements += (_WITH_CLASS(tree, tag=tag or "", name=f" {name} ") if kind == "."
                     else _WITH_ID(tree, tag=tag or "", name=name))
    return elements


def markup_evidence(tree, markup: str | None = None) -> str | None:
    """What the page's markup says about its text being cut short, described; or None. Read before extraction.
    ``markup``, the page's markup the tree was parsed from, spares the searches for what it does not spell.

    >>> from lxml import html
    >>> markup_evidence(html.fromstring('<html><head><script type="application/ld+json">{"isAccessibleForFree":false,'
    ...     '"hasPart":{"isAccessibleForFree":false,"cssSelector":".paywall"}}</script></head>'
    ...     '<body><p>The first paragraph only.</p></body></html>'))
    "the page's JSON-LD marks '.paywall' as not free (isAccessibleForFree false) and no element matches it"
    >>> markup_evidence(html.fromstring('<html><head><script type="application/ld+json">{"isAccessibleForFree":false,'
    ...     '"hasPart":{"isAccessibleForFree":false,"cssSelector":".paywall"}}</script></head><body><div class="paywall">'
    ...     + '<p>The rest of the story, served whole.</p>' * 10 + '</div></body></html>')) is None
    True
    """
    spelled = _Markup(markup)
    for selector, where in _paywalled_selectors(tree, spelled):
        elements = _elements(tree, selector)
        if elements is None:
            continue
        if not elements:
            return (f"the page's {where} marks {selector!r} as not free (isAccessibleForFree false) "
                    "and no element matches it")
        words = word_count(" ".join(element.text_content() for element in elements))   # every script
        if words < _SERVED_PART_WORDS:
            return (f"the page's {where} marks {selector!r} as not free (isAccessibleForFree false) "
                    f"and it holds {words} words")
    for element in (_CUT_CANDIDATES(tree) if spelled.may_hold("truncated", "locked") else ()):
        token = next((token for token in element.get("class").split() if _CUT_CLASS.match(token)), None)
        if token and element.text_content().strip():
            return f"a text container with the class {token!r} (<{element.tag}>)"
    return None
