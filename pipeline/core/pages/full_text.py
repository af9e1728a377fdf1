"""All the text of a page (``--html_mode full``): every block element a paragraph, nothing from scripts.

One pass over the parsed tree, without recursion, so a page of 40,000 list items
or 100,000 nested ``<div>`` costs time in proportion to its size. With ``--ledger`` the same pass
also says which element each line of that text came from (:func:`full_text_lines`), so that what the
article extraction left out can be named by its place in the page (:mod:`pipeline.core.pages.extract_ledger`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from pipeline.core.normalize import tidy_layout

# Elements whose content is never article text.
_DROPPED = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "title"}
# Elements that start a new paragraph; their inline children join into one line.
_BLOCKS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}
# Markers no HTML source whitespace can produce: U+2029 ends a paragraph, U+2028 a line.
_PARAGRAPH, _LINE = "\u2029", "\u2028"
_SOURCE_WHITESPACE = re.compile(r"[ \t\r\n\f]+")
# A line break in the source between two East Asian wide characters (Han, Kana, their punctuation, full-width
# forms; not Hangul, which spaces its words) with the spaces around it: CSS Text 3's segment break
# transformation removes it where a browser would make it a space, as Chinese and Japanese put none between words.
_WIDE = r"[[\p{ea=W}\p{ea=F}\p{ea=H}]--\p{Hangul}]"
_WIDE_BREAK = regex.compile(rf"(?V1)(?<={_WIDE})[ \t\r\f]*\n[ \t\r\n\f]*(?={_WIDE})")
# Elements whose text is not laid out as prose.
_VERBATIM = {"pre", "textarea", "script", "style"}


class Opened:
    """An element the walk is inside, and the one it is inside (None for the root): the chain of open elements
    of a paragraph costs one object per element, however deep the page."""

    __slots__ = ("element", "parent")

    def __init__(self, element, parent: Opened | None):
        self.element = element
        self.parent = parent


@dataclass(frozen=True)
class Segment:
    """The text between two paragraph marks (``parts[begin:end]`` of the walk) and the innermost element open
    when it ended: the block (or inline element) that holds it."""

    begin: int
    end: int
    inside: Opened | None


@dataclass(frozen=True)
class Line:
    """One line of the full text, ``text == full[start:end]``, and the innermost element open around it."""

    start: int
    end: int
    text: str
    inside: Opened | None


def _walk(tree, segments: list[Segment] | None = None) -> list[str]:
    """The pieces of the page's text with paragraph and line marks; with ``segments``, also each run of pieces
    between two paragraph marks and the elements open around it."""
    parts: list[str] = []
    opened: Opened | None = None   # the innermost element entered and not yet left, kept only for ``segments``
    since = 0           # where the pieces after the last paragraph mark start

    def paragraph_mark() -> None:
        nonlocal since
        if segments is not None and len(parts) > since:
            segments.append(Segment(since, len(parts), opened))
        parts.append(_PARAGRAPH)
        since = len(parts)

    # (element, entering) pairs: children are pushed in reverse so they come out in document order.
    stack = [(tree, True)]
    while stack:
        element, entering = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""   # comments and processing instructions
        if entering:
            if tag in _DROPPED or not tag:
                if element.tail and element is not tree:
                    parts.append(element.tail)
                continue
            if tag in _BLOCKS:
                paragraph_mark()
            elif tag == "br":
                parts.append(_LINE)
            if segments is not None:
                opened = Opened(element, opened)
            if element.text:
                parts.append(element.text)
            stack.append((element, False))
            stack.extend((child, True) for child in reversed(element))
        else:
            if tag in _BLOCKS:
                paragraph_mark()
            if opened is not None:
                opened = opened.parent
            if element.tail and element is not tree:
                parts.append(element.tail)
    if segments is not None:
        paragraph_mark()
    return parts


def join_wide_lines(tree) -> None:
    """Remove, in the tree's text, each source line break between two wide characters (see ``_WIDE_BREAK``):
    a Japanese paragraph wrapped in the HTML source reads as one run of text, as the browser shows it, not with a
    space at each wrap. Text in ``<pre>`` keeps its line breaks.

    >>> from lxml import html
    >>> tree = html.fromstring("<div><p>東京で\\n    地震が<b>起きた</b>。\\n  続報</p>"
    ...                        "<p>Tokyo\\n  quake</p><pre>東\\n京</pre></div>")
    >>> join_wide_lines(tree)
    >>> [element.text_content() for element in tree]
    ['東京で地震が起きた。続報', 'Tokyo\\n  quake', '東\\n京']
    """
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag not in _VERBATIM and element.text and "\n" in element.text:
            element.text = _WIDE_BREAK.sub("", element.text)
        if element.tail and "\n" in element.tail:
            element.tail = _WIDE_BREAK.sub("", element.tail)


def _layout(text: str) -> str:
    text = _SOURCE_WHITESPACE.sub(" ", text)
    return tidy_layout(text.replace(_LINE, "\n").replace(_PARAGRAPH, "\n\n"))


def full_text(tree) -> str:
    """The text of every element outside scripts, styles and the head, a paragraph per block.

    >>> from lxml import html
    >>> full_text(html.fromstring("<html><body><h1>Storm</h1><p>Winds <b>rose</b>.<script>x()</script></p></body></html>"))
    'Storm\\n\\nWinds rose.'
    """
    return _layout("".join(_walk(tree)))


def full_text_lines(tree) -> tuple[str, list[Line]]:
    """:func:`full_text`, and each of its non-empty lines with where it is and the element that holds it.

    >>> from lxml import html
    >>> text, lines = full_text_lines(html.fromstring("<body><h1>Storm</h1><p>Winds<br>rose.</p></body>"))
    >>> text, [(line.text, line.start, line.inside.element.tag) for line in lines]
    ('Storm\\n\\nWinds\\nrose.', [('Storm', 0, 'h1'), ('Winds', 7, 'p'), ('rose.', 13, 'p')])
    >>> full_text_lines(html.fromstring("<body><script>x()</script></body>"))
    ('', [])
    """
    segments: list[Segment] = []
    parts = _walk(tree, segments)
    text = _layout("".join(parts))
    lines: list[Line] = []
    at = 0
    for segment in segments:
        for line in _layout("".join(parts[segment.begin:segment.end])).split("\n"):
            if not line:
                continue
            # Laid out alone, a paragraph's lines are those of the whole text, in order: found from where the
            # last one ended, never earlier.
            start = text.find(line, at)
            if start < 0:
                continue
            at = start + len(line)
            lines.append(Line(start, at, line, segment.inside))
    return text, lines
