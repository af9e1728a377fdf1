"""What a page states about itself: headline, canonical URL, author, date, site name, language."""

from __future__ import annotations

from dataclasses import dataclass, field

from trafilatura.metadata import extract_metadata

from pipeline.site_suffix import site_names, strip_site_suffix


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


def page_title(tree, url: str | None) -> str | None:
    """``og:title``, else ``<title>`` without a site suffix, else the first ``<h1>``; never a body paragraph."""
    names = site_names(url, _first(tree, '//meta[@property="og:site_name"]/@content'))
    og_title = _first(tree, '//meta[@property="og:title" or @name="og:title"]/@content')
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


def page_url(tree) -> str | None:
    return _first(tree, '//link[@rel="canonical"]/@href') or _first(tree, '//meta[@property="og:url"]/@content')


def page_meta(tree, url: str | None = None) -> PageMeta:
    """Headline, URL and the metadata fields the page states, from one parsed tree (left unchanged)."""
    url = page_url(tree) or url
    # extensive=False: htmldate's extensive search found the same dates on all 90 benchmark pages, at 2.4x the cost.
    found = extract_metadata(tree, default_url=url, extensive=False)
    fields = {"author": found.author, "date": found.date, "site_name": found.sitename,
              "language": tree.get("lang") or None}
    return PageMeta(title=page_title(tree, url), url=url,
                    fields={key: " ".join(value.split()) for key, value in fields.items() if value and value.strip()})
