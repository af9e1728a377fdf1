"""HTML pages to article text with beautifulsoup4."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Doctype, ProcessingInstruction, Tag

from pipeline.normalize import tidy_layout

# Elements whose content is never article text.
_DROPPED = ["script", "style", "noscript", "template", "head", "svg", "iframe", "object"]
# Elements that start a new paragraph; their inline children join into one line.
_BLOCKS = [
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
]
# Markers no HTML source whitespace can produce: U+2029 ends a paragraph, U+2028 a line.
_PARAGRAPH, _LINE = "\u2029", "\u2028"
_SOURCE_WHITESPACE = re.compile(r"[ \t\r\n\f]+")


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    url: str | None


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        content = tag.get("content") if isinstance(tag, Tag) else None
        if isinstance(content, str) and content.strip():
            return content.strip()
    return None


def html_to_text(markup: str) -> Page:
    """Turn a page into text: one paragraph per block element, nothing from scripts.

    The title is the page's ``og:title`` when it has one (the headline without
    the site name); the URL is its canonical link or ``og:url``.

    >>> html_to_text("<html><body><h1>Storm</h1><p>Winds <b>rose</b>.<script>x()</script></p></body></html>").text
    'Storm\\n\\nWinds rose.'
    >>> html_to_text("Plain words, no tags.").text
    'Plain words, no tags.'
    """
    soup = BeautifulSoup(markup, "html.parser")
    title = _meta(soup, "og:title")
    canonical = soup.find("link", rel="canonical")
    href = canonical.get("href") if isinstance(canonical, Tag) else None
    url = (href if isinstance(href, str) else None) or _meta(soup, "og:url")
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Doctype, ProcessingInstruction))):
        node.extract()
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with(_LINE)
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before(_PARAGRAPH)
        tag.insert_after(_PARAGRAPH)
    text = _SOURCE_WHITESPACE.sub(" ", soup.get_text())
    text = text.replace(_LINE, "\n").replace(_PARAGRAPH, "\n\n")
    return Page(text=tidy_layout(text), title=title, url=url)
