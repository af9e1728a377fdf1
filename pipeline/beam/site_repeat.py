"""``--site_boilerplate`` the Beam way: the deduplicated clean articles in, the same articles without their
site's repeated edge lines out (``CLEAN``), with the ledger's records (``REMOVED``) and counts (``STATS``).

Each page gives ``((site, line hash), page key)`` once per distinct line; a GroupByKey on ``(site, line hash)``
counts the distinct pages of each line, and only lines on at least ``min_pages`` pages go on. A CoGroupByKey with
the pages per site applies the share; a second CoGroupByKey brings each page its repeated lines, and the text
core (``pipeline.core.site_repeat``) removes them. Only hashes and page keys travel through the first two shuffles;
the pages themselves through the last. So it works on any runner at any size; it costs that last shuffle of
every clean article, which is why it is off unless asked for.
"""

from __future__ import annotations

from dataclasses import replace

import apache_beam as beam

from pipeline.beam.outputs import CLEAN, REMOVED
from pipeline.beam.transforms import BYTES_OUT, STATS, BundleCounters, once
from pipeline.core.dedup import duplicate_group, sort_key
from pipeline.core.ledger import LedgerEntry
from pipeline.core.records import CleanArticle
from pipeline.core.site_repeat import (
    DOCS_CHANGED,
    DOCS_SPARED,
    LINES_REMOVED,
    SiteRepeatOptions,
    is_repeated,
    line_hash,
    page_lines,
    removals,
    strip_site_repeats,
)
from pipeline.core.site_suffix import host_of


def site_line_keys(article: CleanArticle):
    """``((site, line hash), (page key, text key))`` for each distinct line of a page that has a site. The text
    key (``dedup.duplicate_group``) counts a story printed twice once, whether or not ``--dedup`` ran, and
    pages without words each once: an empty fold is no evidence of a copy."""
    site = host_of(article.url)
    if site:
        page = sort_key(article), duplicate_group(article)
        for line in page_lines(article.text):
            yield (site, line_hash(line)), page


def site_text_keys(article: CleanArticle):
    """``(site, text key)`` for a page that has a site: its distinct texts are the site's pages."""
    site = host_of(article.url)
    if site:
        yield site, duplicate_group(article)


def lines_on_enough_pages(group, min_pages: int):
    """``(site, (line hash, distinct texts, page keys))`` for a line on at least ``min_pages`` distinct texts of
    its site."""
    (site, digest), pages = group
    # Counted first, listed only when enough: the pages of a line on few of them are never held.
    if sum(1 for _ in pages) >= min_pages:
        texts = len({text for _, text in pages})
        if texts >= min_pages:
            yield site, (digest, texts, [page for page, _ in pages])


def repeated_on_pages(joined, options: SiteRepeatOptions):
    """``(page key, line hash)`` for each page of a line its site repeats (``is_repeated``)."""
    _, grouped = joined
    site_pages = sum(grouped["pages"])
    for digest, texts, pages in grouped["lines"]:
        if is_repeated(texts, site_pages, options):
            for page in pages:
                yield page, digest


class StripSiteRepeatsFn(beam.DoFn):
    """A page with the hashes of its repeated lines: the page without its repeated edge lines, the ledger's
    records with ``ledger``, counts per bundle under ``STATS`` (``bytes.out`` lowered by the bytes removed:
    the cleaning step counted the text as it left it)."""

    def __init__(self, ledger: bool):
        self.ledger = ledger

    def setup(self):
        self.counters = BundleCounters()

    def finish_bundle(self):
        if counts := self.counters.flush():
            yield beam.pvalue.TaggedOutput(STATS, once(counts))

    def process(self, joined):
        _, grouped = joined
        (article,) = grouped["article"]   # page keys are unique: id, input file and line
        repeated = set(grouped["repeated"])
        stripped = strip_site_repeats(article.text, repeated) if repeated else None
        if stripped is None or not stripped.cuts:
            if stripped is not None and stripped.spared:
                self.counters.inc(DOCS_SPARED)
            yield article
            return
        self.counters.inc(LINES_REMOVED, len(stripped.cuts))
        self.counters.inc(DOCS_CHANGED)
        self.counters.inc(BYTES_OUT, len(stripped.text.encode("utf-8")) - len(article.text.encode("utf-8")))
        if self.ledger:
            yield beam.pvalue.TaggedOutput(REMOVED, LedgerEntry(
                article.id, article.source, article.line, article.url, tuple(removals(article.text, stripped))))
        chars_out = article.stats["chars_out"] - len(article.text) + len(stripped.text)
        yield replace(article, text=stripped.text, stats={**article.stats, "chars_out": chars_out})


class RemoveSiteBoilerplate(beam.PTransform):
    """Clean articles to ``{CLEAN, REMOVED, STATS}``; see the module's docstring."""

    def __init__(self, options: SiteRepeatOptions, ledger: bool = False):
        super().__init__()
        self.options = options
        self.ledger = ledger

    def expand(self, articles):
        min_pages = self.options.min_pages
        candidates = (
            articles
            | "SiteLineKeys" >> beam.FlatMap(site_line_keys)
            | "GroupSiteLines" >> beam.GroupByKey()
            | "LinesOnEnoughPages" >> beam.FlatMap(lines_on_enough_pages, min_pages)
        )
        site_pages = (
            articles
            | "SiteTexts" >> beam.FlatMap(site_text_keys)
            | "DistinctSiteTexts" >> beam.Distinct()
            | "CountSitePages" >> beam.Map(lambda site_text: (site_text[0], 1))
            | "SumSitePages" >> beam.CombinePerKey(sum)
        )
        repeated = (
            {"pages": site_pages, "lines": candidates}
            | "JoinSitePages" >> beam.CoGroupByKey()
            | "RepeatedOnShare" >> beam.FlatMap(repeated_on_pages, self.options)
        )
        stripped = (
            {"article": articles | "KeyByPage" >> beam.Map(lambda article: (sort_key(article), article)),
             "repeated": repeated}
            | "JoinRepeatsToPages" >> beam.CoGroupByKey()
            | "StripSiteRepeats" >> beam.ParDo(StripSiteRepeatsFn(self.ledger)).with_outputs(REMOVED, STATS, main=CLEAN)
        )
        return {CLEAN: stripped[CLEAN], REMOVED: stripped[REMOVED], STATS: stripped[STATS]}
