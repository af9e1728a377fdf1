"""HTML pages to article text and what the page states about itself (title, URL, author, date, ...).

``article`` mode (the default) keeps the page's main content (:mod:`pipeline.core.pages.article`);
``full`` mode keeps all its text (:mod:`pipeline.core.pages.full_text`). Both parse once with lxml,
as trafilatura's loader does, which also copes with odd declarations (:mod:`pipeline.core.pages.loading`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.core.pages.article import extract_article, paragraph_tails, prepare_tree
from pipeline.core.pages.extract_ledger import extraction_removals
from pipeline.core.pages.full_text import full_text, full_text_lines, join_wide_lines
from pipeline.core.pages.loading import load_page_markup
from pipeline.core.pages.metadata import page_meta
from pipeline.core.records import Rejected
from pipeline.core.truncated import markup_evidence
from pipeline.core.words import has_unspaced_script

HTML_MODES = ("article", "full")
# The largest of the benchmark's 90 real pages has about 3,200 tags; a page with 30 times that is
# generated junk, and parsing and walking it would take a worker's time for nothing.
MAX_TAGS = 100_000
# Languages written without spaces between words, by the primary subtag of a page's <html lang>.
_UNSPACED_LANGUAGES = frozenset({"ja", "zh", "yue", "wuu", "th", "lo", "km", "my"})
_LETTER = regex.compile(r"\p{L}")
_OTHER_LETTER = regex.compile(r"[\p{L}--\p{Latin}]", regex.V1)


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    url: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    # What the markup says about the text being a teaser (pipeline.core.truncated.markup_evidence), or None.
    truncated: str | None = None
    # With the ledger, what the extraction left out (pipeline.core.pages.extract_ledger), in the page's full text.
    removals: tuple = ()


def in_unspaced_script(title: str | None, language: str | None) -> bool:
    """Whether a page is in a script written without spaces (Chinese, Japanese, Thai...), by its headline or its
    declared language: a question asked of the page's few words, since searching its whole markup costs a
    millisecond a page and the steps it decides change nothing on other pages.

    >>> in_unspaced_script("九州北部で大雨", None), in_unspaced_script("Storm", "zh-Hant"), in_unspaced_script("Storm", "en")
    (True, True, False)
    """
    return has_unspaced_script(title or "") or (language or "").split("-")[0].lower() in _UNSPACED_LANGUAGES


def in_script_other_than_latin(title: str | None) -> bool:
    """Whether most letters of a page's headline are of a script other than Latin (Chinese, Korean, Cyrillic,
    Arabic...): the pages whose layouts the steps for those scripts are for, and no English page.

    >>> in_script_other_than_latin("한은, 기준금리 2.50% 동결"), in_script_other_than_latin("Xi (习近平) meets Biden")
    (True, False)
    """
    if not title or title.isascii():
        return False
    other = len(_OTHER_LETTER.findall(title))
    return other > len(_LETTER.findall(title)) - other


def html_to_page(markup: str, mode: str = "article", url: str | None = None, ledger: bool = False) -> Page:
    """The page's text in ``mode``, with its title, canonical URL and stated metadata; with ``ledger``, in article
    mode, what the extraction left out. A page with no article is rejected (``no_article``), carrying that too.

    >>> page = html_to_page("<html><head><title>Storm | Herald</title></head><body><p>Winds rose.</p></body></html>", "full")
    >>> (page.title, page.text)
    ('Storm', 'Winds rose.')
    """
    tags = markup.count("<")
    if tags > MAX_TAGS:
        raise Rejected("read", "too_complex", f"the page has {tags:,} tags, over {MAX_TAGS:,}: generated, "
                                              "not a news page")
    tree, repaired = load_page_markup(markup)
    if tree is None:
        raise Rejected("read", "empty_text", "the page has no HTML content to read")
    meta = page_meta(tree, url)
    unspaced = in_unspaced_script(meta.title, meta.fields.get("language"))
    if unspaced:   # Chinese or Japanese text wrapped in the source reads without spaces
        join_wide_lines(tree)
    truncated = markup_evidence(tree, repaired)   # before the extraction, which changes the tree
    if mode != "article":
        return Page(text=full_text(tree), title=meta.title, url=meta.url, metadata=meta.fields, truncated=truncated)
    other_script = in_script_other_than_latin(meta.title)
    if other_script:   # a story laid out with <br> goes on after a photo box
        paragraph_tails(tree)

    def fresh():   # the tree as it is here, again: the extraction prunes this one
        again = load_page_markup(markup)[0]
        if unspaced:
            join_wide_lines(again)
        if other_script:
            paragraph_tails(again)
        return again

    if ledger:
        whole, lines = full_text_lines(tree)   # before the extraction, which changes the tree
        extraction = extract_article(tree, fresh, meta.url, unspaced)
        removals = extraction_removals(whole, lines, extraction, meta.title)
    else:
        extraction, removals = extract_article(tree, fresh, meta.url, unspaced), ()
    text = extraction.text
    if not text and _has_text(fresh(), unspaced):
        error = Rejected("extract", "no_article", "the extractor found no article on this page (an index, "
                                                  "error or teaser page?); --html_mode full keeps all its text")
        error.removals, error.url = removals, meta.url
        raise error
    return Page(text=text, title=meta.title, url=meta.url, metadata=meta.fields, truncated=truncated,
                removals=removals)


def _has_text(tree, unspaced: bool) -> bool:
    """Whether the page's tree, as the extraction hands it to trafilatura (tweets lifted, link lists dropped), holds
    any text: a page with none is empty, not a page without an article."""
    prepare_tree(tree, unspaced)
    return bool(full_text(tree))
