"""Cleaning: each record through the text core (``pipeline.core.clean.Cleaner``) to a clean article or a rejection, with
the ledger's entries and the bundle's counts beside them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import apache_beam as beam

from pipeline.beam.outputs import CLEAN, REJECTED, REMOVED
from pipeline.beam.transforms.accounting import (
    BYTES_OUT,
    DOCS_CLEAN,
    DOCS_REJECTED,
    FILE_COUNTS,
    HEADLINE_REPEATS,
    MASS_REMOVAL,
    REPEATED_PARAGRAPHS,
    STATS,
    TRUNCATED,
    BundleCounters,
    language_counter,
    language_rejected_counter,
    once,
    rejected_counter,
    rule_docs_counter,
    rule_hits_counter,
)
from pipeline.core import progress as counts_of
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.ledger import LedgerEntry, Removal, whole_document
from pipeline.core.progress import ProgressFile, ProgressTarget
from pipeline.core.records import RAW_PREVIEW_CHARS, Article, CleanArticle, Rejected, Rejection
from pipeline.core.rules.schema import Rule
from pipeline.core.steps.language import REJECTED_LANGUAGE


class CleanArticleFn(beam.DoFn):
    """Runs the text core on each article; a reader's rejection passes through to ``REJECTED``.

    Rules arrive as plain data and compile in setup(). An exception the core did not
    foresee rejects that one article as ``internal_error`` instead of failing the job.
    Records clean and rejected per file are counted per bundle and emitted under
    ``FILE_COUNTS`` when it finishes: one element per file and bundle, not per record; so are
    its counters (and the rejections of every step) under ``STATS``.
    """

    def __init__(self, rules: Sequence[Rule], options: CleanOptions, progress: ProgressTarget | None = None):
        self.rules = list(rules)
        self.options = options
        self.progress_target = progress

    def setup(self):
        self.cleaner = Cleaner(self.rules, self.options)
        self.counters = BundleCounters()
        self.progress = ProgressFile(self.progress_target) if self.progress_target else None

    def start_bundle(self):
        self.tallies: dict[str, list[int]] = {}   # file: [clean, rejected]

    def finish_bundle(self):
        for source, (clean, rejected) in self.tallies.items():
            yield beam.pvalue.TaggedOutput(FILE_COUNTS, once((source, (0, clean, rejected, 0))))
        if counts := self.counters.flush():
            yield beam.pvalue.TaggedOutput(STATS, once(counts))
        if self.progress:
            self.progress.write()

    def _rejected(self, rejection: Rejection, counted: bool) -> beam.pvalue.TaggedOutput:
        """``counted``: a reader's rejection, already in Beam's counters where it was made."""
        self.tallies[rejection.source][1] += 1
        self.counters.inc(DOCS_REJECTED, metric=not counted)
        self.counters.inc(rejected_counter(rejection.reason), metric=not counted)
        if self.progress:
            self.progress.add(counts_of.REJECTED)
        return beam.pvalue.TaggedOutput(REJECTED, rejection)

    def process(self, record: Article | Rejection):
        tally = self.tallies.setdefault(record.source, [0, 0])
        if isinstance(record, Rejection):
            yield self._rejected(record, counted=True)
            if record.removals:   # a page the extraction found no article in: what it left out
                yield beam.pvalue.TaggedOutput(REMOVED, LedgerEntry(record.id, record.source, record.line, record.url,
                                                                    record.removals))
            return
        article = record
        try:
            clean = self.cleaner.clean(article)
        except Exception as error:
            # A step's own metadata where it gave one (the detected language); else the article's.
            rejection = (Rejection.of(error, article.source, article.text, article.id, article.line,
                                      error.metadata or article.metadata)
                         if isinstance(error, Rejected) else _unexpected_failure(article, error))
            yield self._rejected(rejection, counted=False)
            if rejection.reason == REJECTED_LANGUAGE:
                self.counters.inc(language_rejected_counter(rejection.metadata["language"]))
            if self.options.ledger:
                yield beam.pvalue.TaggedOutput(REMOVED, _entry(article, (whole_document(rejection.reason, article.text),)))
            return
        if clean.removals or article.removals:
            yield beam.pvalue.TaggedOutput(REMOVED, _entry(article, clean.removals))
            clean = replace(clean, removals=())   # written; no need to carry them through deduplication
        tally[0] += 1
        counters = self.counters
        counters.inc(DOCS_CLEAN)
        if self.progress:
            self.progress.add(counts_of.CLEAN)
        counters.inc(BYTES_OUT, len(clean.title.encode("utf-8")) + len(clean.text.encode("utf-8")))
        counters.inc(HEADLINE_REPEATS, clean.stats["headline_repeats"])
        counters.inc(REPEATED_PARAGRAPHS, clean.stats["repeated_paragraphs"])
        if clean.stats.get("mass_removal"):
            counters.inc(MASS_REMOVAL)
        if clean.stats.get("truncated"):
            counters.inc(TRUNCATED)
        counters.inc(language_counter(clean.metadata["language"]))
        for name, hits in clean.stats["rules"].items():
            counters.inc(rule_hits_counter(name), hits)
            counters.inc(rule_docs_counter(name))
        yield clean


def _entry(article: Article, removals: tuple[Removal, ...]) -> LedgerEntry:
    """The ledger's line of ``article``: what its extraction left out (a page's), then the cleaning's ``removals``."""
    return LedgerEntry(article.id, article.source, article.line, article.url, article.removals + removals)


def _unexpected_failure(article: Article, error: Exception) -> Rejection:
    text = article.text if isinstance(article.text, str) else repr(article.text)
    return Rejection(
        "clean", "internal_error", f"unexpected {type(error).__name__} while cleaning: {error!r}; please report it",
        source=article.source, id=article.id, line=article.line, raw_start=text[:RAW_PREVIEW_CHARS],
        metadata=article.metadata)


class CleanArticles(beam.PTransform):
    """Records (articles and rejections) to clean articles (``CLEAN``), every rejection (``REJECTED``),
    records clean and rejected per file (``FILE_COUNTS``), counts (``STATS``) and, with ``options.ledger``, the
    removal ledger's entries (``REMOVED``); see :class:`CleanArticleFn`."""

    def __init__(self, rules: Sequence[Rule], options: CleanOptions = CleanOptions(),
                 progress: ProgressTarget | None = None):
        super().__init__()
        self.rules = rules
        self.options = options
        self.progress = progress

    def expand(self, records):
        results = (
            records
            | "Clean" >> beam.ParDo(CleanArticleFn(self.rules, self.options, self.progress))
                .with_output_types(CleanArticle, **{REJECTED: Rejection, FILE_COUNTS: tuple, STATS: dict,
                                                    REMOVED: LedgerEntry})
                .with_outputs(REJECTED, FILE_COUNTS, STATS, REMOVED, main=CLEAN)
        )
        return {CLEAN: results[CLEAN], REJECTED: results[REJECTED], FILE_COUNTS: results[FILE_COUNTS],
                STATS: results[STATS], REMOVED: results[REMOVED]}


