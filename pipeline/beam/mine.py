"""The Beam layer of mining: the job's own read and clean transforms, then counting per site and drafting.

Stages, each a combine that runs on any runner: pages per site (:class:`~pipeline.core.mine.tally.SiteStats`);
line shapes per site (:class:`~pipeline.core.mine.tally.ShapeTally`), filtered by the thresholds and the cross-site
test; a second pass over the pages with each site's candidate shapes as a side input, for blocks, examples and
look-alikes (:class:`~pipeline.core.mine.tally.SiteEvidence`); and the draft of each site, written by one worker
so that two sites can never write the same file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipeline.beam.outputs import CLEAN
from pipeline.beam.runners import plans_reads
from pipeline.beam.transforms import NAMESPACE, RECORDS, CleanArticles, ReadArticles
from pipeline.core.clean import CleanOptions
from pipeline.core.mine.draft import REPORT_SUFFIX, SiteDraft, draft_site
from pipeline.core.mine.shapes import MARKERS
from pipeline.core.mine.tally import (
    Candidate,
    MinedDoc,
    MineOptions,
    ShapeTally,
    SiteEvidence,
    SiteStats,
    mined_document,
    occurrences,
    repeated,
    repeated_in,
    scan,
    words,
)
from pipeline.core.progress import ProgressTarget
from pipeline.core.readers import ReadOptions
from pipeline.core.rules.schema import Rule

SUMMARY_FILE = "mine-summary.json"
FURNITURE = "furniture"
CROSS_SITE = "cross_site"
SEEN_AGAIN = "seen_again"
DOCS_MINED = "mine.docs"
DOCS_WITHOUT_SITE = "mine.docs.no_site"
SITES_DRAFTED = "mine.sites.drafted"
RULES_DRAFTED = "mine.rules.drafted"


@dataclass(frozen=True)
class MineConfig:
    input_pattern: str
    output_dir: str
    rules: Sequence[Rule]
    input_format: str = "auto"
    read: ReadOptions = field(default_factory=ReadOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    mine: MineOptions = field(default_factory=MineOptions)
    # A local run's progress counts (pipeline.core.progress); None: none kept.
    progress: ProgressTarget | None = None


class _Tally(beam.CombineFn):
    """Combines elements into a tally with ``add`` (or, for tallies themselves, ``merge``) and ``merge``."""

    def __init__(self, factory: Callable, add: str = "add"):
        self.factory = factory
        self.add = add

    def create_accumulator(self):
        return self.factory()

    def add_input(self, accumulator, element):
        return getattr(accumulator, self.add)(element)

    def merge_accumulators(self, accumulators):
        accumulators = iter(accumulators)
        merged = next(accumulators)
        for accumulator in accumulators:
            merged = merged.merge(accumulator)
        return merged

    def extract_output(self, accumulator):
        return accumulator


class _MinedDocFn(beam.DoFn):
    def __init__(self, by: str):
        self.by = by
        self.mined = Metrics.counter(NAMESPACE, DOCS_MINED)
        self.without_site = Metrics.counter(NAMESPACE, DOCS_WITHOUT_SITE)

    def process(self, article):
        doc = mined_document(article, self.by)
        if doc is None:
            self.without_site.inc()
            return
        self.mined.inc()
        yield doc


class _RepeatedFn(beam.DoFn):
    def __init__(self, options: MineOptions):
        self.options = options

    def process(self, shape_and_tally, site_docs):
        shape, tally = shape_and_tally
        for site in repeated_in(tally):
            yield beam.pvalue.TaggedOutput(SEEN_AGAIN, (site, shape))
        for site, cross_site, candidate in repeated(shape, tally, site_docs, self.options):
            if cross_site:
                yield beam.pvalue.TaggedOutput(CROSS_SITE, (site, candidate))
            else:
                yield site, candidate


def _site_lines(site_and_parts):
    """A site's candidate shapes with their words (without markers, to find the prose closest to them), and
    every shape on two or more of its pages."""
    site, parts = site_and_parts
    strip = str.maketrans("", "", MARKERS)
    return site, ({c.shape: words(c.shape.translate(strip)) for c in parts[FURNITURE]}, frozenset(parts[SEEN_AGAIN]))


class _ScanFn(beam.DoFn):
    def process(self, doc: MinedDoc, lines_by_site):
        variants, repeated = lines_by_site.get(doc.site, ({}, frozenset()))
        if variants:
            yield doc.site, scan(doc, variants, repeated)


def _draft(options: MineOptions, source: str):
    def draft(site_and_parts):
        site, parts = site_and_parts
        candidates = sorted(parts[FURNITURE], key=lambda c: c.shape)
        excluded = sorted(parts[CROSS_SITE], key=lambda c: c.shape)
        if not candidates and not excluded:
            return
        stats = parts["stats"][0]
        evidence = parts["evidence"][0] if parts["evidence"] else SiteEvidence()
        yield draft_site(site, stats, candidates, excluded, evidence, options, source)
    return draft


class MineSites(beam.PTransform):
    """Mined pages (:class:`~pipeline.core.mine.tally.MinedDoc`) to one :class:`~pipeline.core.mine.draft.SiteDraft`
    per site with repeated lines."""

    def __init__(self, options: MineOptions, source: str):
        super().__init__()
        self.options = options
        self.source = source

    def expand(self, docs):
        stats = (docs | "KeyBySite" >> beam.Map(lambda doc: (doc.site, doc))
                 | "PagesPerSite" >> beam.CombinePerKey(_Tally(SiteStats)))
        site_docs = stats | "PageCounts" >> beam.MapTuple(lambda site, tally: (site, len(tally.docs)))
        found = (docs | "LineShapes" >> beam.FlatMap(occurrences)
                 | "TallyShapes" >> beam.CombinePerKey(_Tally(ShapeTally))
                 | "Repeated" >> beam.ParDo(_RepeatedFn(self.options), beam.pvalue.AsDict(site_docs))
                 .with_output_types(tuple[str, Candidate], **{CROSS_SITE: tuple[str, Candidate],
                                                              SEEN_AGAIN: tuple[str, str]})
                 .with_outputs(CROSS_SITE, SEEN_AGAIN, main=FURNITURE))
        lines_by_site = ({FURNITURE: found[FURNITURE], SEEN_AGAIN: found[SEEN_AGAIN]}
                         | "LinesPerSite" >> beam.CoGroupByKey()
                         | "SiteLines" >> beam.Map(_site_lines))
        evidence = (docs | "ScanPages" >> beam.ParDo(_ScanFn(), beam.pvalue.AsDict(lines_by_site))
                    | "EvidencePerSite" >> beam.CombinePerKey(_Tally(SiteEvidence, add="merge")))
        return ({"stats": stats, FURNITURE: found[FURNITURE], CROSS_SITE: found[CROSS_SITE], "evidence": evidence}
                | "JoinPerSite" >> beam.CoGroupByKey()
                | "DraftSites" >> beam.FlatMap(_draft(self.options, self.source)))


class _WriteDraftsFn(beam.DoFn):
    """Writes every site's rule file and report, and the run's summary (``mine-summary.json``)."""

    def __init__(self, output_dir: str):
        self.output_dir = output_dir
        self.sites = Metrics.counter(NAMESPACE, SITES_DRAFTED)
        self.rules = Metrics.counter(NAMESPACE, RULES_DRAFTED)

    def _write(self, name: str, text: str) -> None:
        with FileSystems.create(FileSystems.join(self.output_dir, name)) as out:
            out.write(text.encode("utf-8"))

    def process(self, keyed_drafts):
        written: dict[str, str] = {}
        summary = []
        for draft in sorted(keyed_drafts[1], key=lambda d: d.site):
            entry = {"site": draft.site, "rules": draft.rules, "report": draft.slug + REPORT_SUFFIX,
                     "rule_file": draft.slug + ".toml" if draft.toml else None}
            if draft.slug in written:
                # Two groups ('The Hill', 'the hill') with one file name: the second is named, not written over.
                entry.update(rules=0, report=None, rule_file=None,
                             not_written=f"its file name {draft.slug} is {written[draft.slug]}'s")
                summary.append(entry)
                continue
            written[draft.slug] = draft.site
            self._write(draft.slug + REPORT_SUFFIX, draft.report)
            if draft.toml:
                self._write(draft.slug + ".toml", draft.toml)
                self.sites.inc()
                self.rules.inc(draft.rules)
            summary.append(entry)
        self._write(SUMMARY_FILE, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        yield len(summary)


class WriteDrafts(beam.PTransform):
    def __init__(self, output_dir: str):
        super().__init__()
        self.output_dir = output_dir

    def expand(self, drafts):
        # Drafts are a few kilobytes per site: one worker writes them all and sees every file name.
        return (drafts | "OneGroup" >> beam.Map(lambda draft: (None, draft))
                | "AllDrafts" >> beam.GroupByKey()
                | "Write" >> beam.ParDo(_WriteDraftsFn(self.output_dir)))


def build_mine_pipeline(config: MineConfig, options: beam.options.pipeline_options.PipelineOptions) -> beam.Pipeline:
    """Read and clean as the job does (the same transforms), then mine and write the drafts."""
    pipeline = beam.Pipeline(options=options)
    read = pipeline | "ReadArticles" >> ReadArticles(config.input_pattern, config.input_format, config.read,
                                                     config.progress, planned=plans_reads(options))
    cleaned = read[RECORDS] | "CleanArticles" >> CleanArticles(config.rules, config.clean, config.progress)
    docs = cleaned[CLEAN] | "ToMinedDocs" >> beam.ParDo(_MinedDocFn(config.mine.by))
    (docs | "MineSites" >> MineSites(config.mine, config.input_pattern)
     | "WriteDrafts" >> WriteDrafts(config.output_dir))
    return pipeline


__all__ = ["SUMMARY_FILE", "MineConfig", "MineSites", "SiteDraft", "WriteDrafts", "build_mine_pipeline"]
