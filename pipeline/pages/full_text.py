"""All the text of a page (``--html_mode full``): every block element a paragraph, nothing from scripts.

One pass over the parsed tree, without recursion, so a page of 40,000 list items
or 100,000 nested ``<div>`` costs time in proportion to its size.
"""

from __future__ import annotations

import re

from pipeline.normalize import tidy_layout

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


def full_text(tree) -> str:
    """The text of every element outside scripts, styles and the head, a paragraph per block.

    >>> from lxml import html
    >>> full_text(html.fromstring("<html><body><h1>Storm</h1><p>Winds <b>rose</b>.<script>x()</script></p></body></html>"))
    'Storm\\n\\nWinds rose.'
    """
    parts: list[str] = []
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
                parts.append(_PARAGRAPH)
            elif tag == "br":
                parts.append(_LINE)
            if element.text:
                parts.append(element.text)
            stack.append((element, False))
            stack.extend((child, True) for child in reversed(element))
        else:
            if tag in _BLOCKS:
                parts.append(_PARAGRAPH)
            if element.tail and element is not tree:
                parts.append(element.tail)
    text = _SOURCE_WHITESPACE.sub(" ", "".join(parts))
    return tidy_layout(text.replace(_LINE, "\n").replace(_PARAGRAPH, "\n\n"))
