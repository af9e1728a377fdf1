"""What a page states about itself: headline, canonical URL, author, date, site name, language."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from html import unescape

from htmldate import find_date
from trafilatura.metadata import META_URL, examine_meta, extract_author, extract_meta_json, extract_sitename, extract_url
from trafilatura.settings import set_date_params
from trafilatura.utils import line_processing

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


def _trimmed(value: str | None) -> str | None:
    """A field as trafilatura's ``Document.clean_and_trim`` leaves it: at most 10,000 characters, entities decoded."""
    if not value:
        return value
    return line_processing(unescape(value if len(value) <= 10_000 else value[:9999] + "…"))


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
        found = extract_meta_json(tree, found)
    author = found.author or extract_author(tree)
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
    url = page_url(tree) or url
    # extensive=False: htmldate's extensive search found the same dates on all 90 benchmark pages, at 2.4x the cost.
    author, date, site_name = stated_fields(tree, url)
    fields = {"author": author, "date": date, "site_name": site_name, "language": tree.get("lang") or None}
    return PageMeta(title=page_title(tree, url), url=url,
                    fields={key: " ".join(value.split()) for key, value in fields.items() if value and value.strip()})
