"""Duplicates the Beam way: clean articles in, the articles that stay (``CLEAN``) and ``Duplicate`` records out.

``exact``: articles are grouped by the hash of their folded text (GroupByKey); in each group the smallest
``sort_key`` stays and the others point at it, similarity 1.0.

``near``: the exact step first, then, for the articles it kept: a MinHash signature each, one element per LSH
band (band key, article key, signature), GroupByKey on the band key, and in each bucket every member compared
with the members of smaller key until the first whose estimated Jaccard similarity reaches the threshold. Per
article the smallest such match over all its buckets is kept (CombinePerKey(min)); a CoGroupByKey on the
article key brings it back to the article. Only signatures travel through the bands, never texts, and no step
sees more than one bucket or one article's matches.

Groups and chains: an article is a duplicate when some article with a smaller key is similar to it, and it
points at the smallest one. With A < B < C, A~B and B~C but not A~C, both B and C are duplicates, B points at
A and C at B; following ``duplicate_of`` always ends at an article that stays (keys only decrease), and no two
articles that stay were found similar. This takes one pass, no iterations; the cost is that C goes although it
is not similar to A itself.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.beam.outputs import CLEAN, DUPLICATES
from pipeline.beam.transforms import NAMESPACE, language_duplicate_counter
from pipeline.core.dedup import DedupOptions, Duplicate, Signer, duplicate_group, fold, matches_in_bucket, sort_key

DOCS_DUPLICATE = "docs.duplicate"


def duplicate_counter(match: str) -> str:
    return f"{DOCS_DUPLICATE}.{match}"


def duplicate_counts(duplicate: Duplicate) -> dict[str, int]:
    """A duplicate's share of the job's totals (``transforms.STATS``), as its Beam counters count it."""
    return {DOCS_DUPLICATE: 1, duplicate_counter(duplicate.match): 1,
            language_duplicate_counter(duplicate.article.metadata["language"]): 1}


class _Counted(beam.DoFn):
    def setup(self):
        self.duplicates = Metrics.counter(NAMESPACE, DOCS_DUPLICATE)
        self.by_match = {match: Metrics.counter(NAMESPACE, duplicate_counter(match)) for match in ("exact", "near")}

    def duplicate(self, duplicate: Duplicate):
        self.duplicates.inc()
        self.by_match[duplicate.match].inc()
        Metrics.counter(NAMESPACE, language_duplicate_counter(duplicate.article.metadata["language"])).inc()
        return beam.pvalue.TaggedOutput(DUPLICATES, duplicate)


class SplitExactGroupFn(_Counted):
    """One group of articles with the same folded text: the smallest key stays, the others are duplicates."""

    def process(self, group):
        _, articles = group
        # Two passes over the group's iterable (re-iterable in Beam), so a large group is never held in a list.
        keeper = min(sort_key(article) for article in articles)
        for article in articles:
            if sort_key(article) == keeper:
                yield article
            else:
                yield self.duplicate(Duplicate(article, keeper, 1.0, "exact"))


class BandKeysFn(beam.DoFn):
    """An article to ``(band key, (article key, signature))``, one per band; the permutations are built in setup()."""

    def __init__(self, threshold: float):
        self.threshold = threshold

    def setup(self):
        self.signer = Signer(self.threshold)

    def process(self, article):
        words = fold(article.text)
        if not words:
            return   # no words: every such text would have the one signature of the empty shingle
        signature = self.signer.signature_of(words)
        key = sort_key(article)
        for band_key in self.signer.band_keys(signature):
            yield band_key, (key, signature)


class SplitNearFn(_Counted):
    """An article with its best match, if any: a duplicate when it has one, else it stays."""

    def process(self, joined):
        _, grouped = joined
        (article,) = grouped["article"]  # article keys are unique: id, input file and line
        match = next(iter(grouped["match"]), None)
        if match is None:
            yield article
        else:
            of, score = match
            yield self.duplicate(Duplicate(article, of, score, "near"))


class Deduplicate(beam.PTransform):
    """Clean articles to ``{CLEAN: those that stay, DUPLICATES: Duplicate records}``."""

    def __init__(self, options: DedupOptions):
        super().__init__()
        self.options = options

    def expand(self, clean):
        if self.options.mode == "off":
            return {CLEAN: clean, DUPLICATES: clean.pipeline | "NoDuplicates" >> beam.Create([])}
        exact = (
            clean
            | "KeyByFoldedText" >> beam.Map(lambda article: (duplicate_group(article), article))
            | "GroupSameText" >> beam.GroupByKey()
            | "KeepSmallestOfSameText" >> beam.ParDo(SplitExactGroupFn()).with_outputs(DUPLICATES, main=CLEAN)
        )
        if self.options.mode == "exact":
            return {CLEAN: exact[CLEAN], DUPLICATES: exact[DUPLICATES]}
        threshold = self.options.threshold
        best_match = (
            exact[CLEAN]
            | "BandKeys" >> beam.ParDo(BandKeysFn(threshold))
            | "GroupBands" >> beam.GroupByKey()
            | "MatchInBucket" >> beam.FlatMapTuple(lambda _, members: matches_in_bucket(list(members), threshold))
            | "SmallestMatch" >> beam.CombinePerKey(min)
        )
        near = (
            {"article": exact[CLEAN] | "KeyByArticle" >> beam.Map(lambda article: (sort_key(article), article)),
             "match": best_match}
            | "JoinMatches" >> beam.CoGroupByKey()
            | "KeepUnmatched" >> beam.ParDo(SplitNearFn()).with_outputs(DUPLICATES, main=CLEAN)
        )
        duplicates = (exact[DUPLICATES], near[DUPLICATES]) | "AllDuplicates" >> beam.Flatten()
        return {CLEAN: near[CLEAN], DUPLICATES: duplicates}
