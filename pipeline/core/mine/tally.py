"""Counting, the pure part of mining: documents to line occurrences, tallies per shape, evidence per site.

Every tally has ``add`` and ``merge``, so the Beam layer combines them in any order on any number of workers;
what is kept of a tally (example ids, variants, look-alikes) is chosen by document id, never by arrival, so
every runner drafts the same rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, field

import regex

from pipeline.core.dedup import duplicate_group
from pipeline.core.mine.shapes import has_markers, line_shape
from pipeline.core.records import CleanArticle
from pipeline.core.site_suffix import host_of
from pipeline.core.words import word_count

BY_SITE = "site"
# Furniture is a line of a widget, not a paragraph: longer lines are prose and never candidates.
MAX_LINE_CHARS = 300
# A line is at the top or bottom of a document when it is among its first or last this many lines.
EDGE_LINES = 3
POSITIONS = ("top", "middle", "bottom")
EXAMPLE_IDS = 5
VARIANTS = 10
LOOKALIKES = 3
# A look-alike is prose: a line of at least this many words, ending as a sentence ends.
LOOKALIKE_MIN_WORDS = 8
# A prose line holding this share of a candidate's words or more, and not much longer, is likely a variant of
# that furniture (``— The Memo is a reported column ...``): not a look-alike that must stay, but one for the
# reviewer.
NEAR_VARIANT = 0.6
_SENTENCE_END = regex.compile(r"[.!?][\"'”’)]*$")

_WORD = regex.compile(r"\w+")


@dataclass(frozen=True)
class MinedDoc:
    """A clean article as mining sees it: its group (site or field value), host, text key, id and text."""

    site: str
    host: str
    key: str     # the text's fingerprint: copies of one article count as one page, pages without words each once
    id: str
    text: str


def mined_document(article: CleanArticle, by: str = BY_SITE) -> MinedDoc | None:
    """The article's group and fingerprint; None when it has no group (no URL, or no such field)."""
    host = host_of(article.url)
    value = article.metadata.get(by) if by != BY_SITE else host
    site = value.strip() if isinstance(value, str) else ""
    if not site:
        return None
    return MinedDoc(site=site, host=host, key=duplicate_group(article)[:16], id=article.id, text=article.text)


def position(index: int, count: int) -> str:
    """Where line ``index`` of ``count`` non-empty lines sits: ``top``, ``bottom`` or ``middle``."""
    if index < EDGE_LINES:
        return "top"
    return "bottom" if index >= count - EDGE_LINES else "middle"


def candidate_line(line: str) -> bool:
    return bool(line) and len(line) <= MAX_LINE_CHARS and not has_markers(line)


@dataclass(frozen=True)
class Occurrence:
    site: str
    doc_key: str
    doc_id: str
    line: str
    position: str


def occurrences(doc: MinedDoc) -> Iterator[tuple[str, Occurrence]]:
    """``(shape, occurrence)`` for the first line of each shape in the document."""
    lines = [line for line in doc.text.split("\n") if line]
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if not candidate_line(line):
            continue
        shape = line_shape(line)
        if shape in seen:
            continue
        seen.add(shape)
        yield shape, Occurrence(doc.site, doc.key, doc.id, line, position(index, len(lines)))


@dataclass
class SiteLine:
    """One shape in one site: the pages it is on, where, its variants and the smallest ids of pages with it."""

    docs: set[str] = field(default_factory=set)
    positions: Counter = field(default_factory=Counter)
    variants: Counter = field(default_factory=Counter)
    ids: list[str] = field(default_factory=list)

    def add(self, occurrence: Occurrence) -> None:
        self.docs.add(occurrence.doc_key)
        self.positions[occurrence.position] += 1
        self.variants[occurrence.line] += 1
        self.ids = sorted({*self.ids, occurrence.doc_id})[:EXAMPLE_IDS]

    def merge(self, other: SiteLine) -> None:
        self.docs |= other.docs
        self.positions += other.positions
        self.variants += other.variants
        self.ids = sorted({*self.ids, *other.ids})[:EXAMPLE_IDS]


@dataclass
class ShapeTally:
    """A shape's occurrences, per site."""

    sites: dict[str, SiteLine] = field(default_factory=dict)

    def add(self, occurrence: Occurrence) -> ShapeTally:
        self.sites.setdefault(occurrence.site, SiteLine()).add(occurrence)
        return self

    def merge(self, other: ShapeTally) -> ShapeTally:
        for site, line in other.sites.items():
            self.sites.setdefault(site, SiteLine()).merge(line)
        return self


@dataclass
class SiteStats:
    """A site's pages (distinct texts) and the hosts they come from."""

    docs: set[str] = field(default_factory=set)
    hosts: Counter = field(default_factory=Counter)

    def add(self, doc: MinedDoc) -> SiteStats:
        self.docs.add(doc.key)
        if doc.host:
            self.hosts[doc.host] += 1
        return self

    def merge(self, other: SiteStats) -> SiteStats:
        self.docs |= other.docs
        self.hosts += other.hosts
        return self


@dataclass(frozen=True)
class Candidate:
    """A shape repeated on enough of one site's pages: a line of furniture, or one left out as cross-site."""

    shape: str
    docs: int
    share: float
    sites: int                        # sites whose pages hold the shape, this one included
    positions: tuple[tuple[str, int], ...]
    variants: tuple[tuple[str, int], ...]
    ids: tuple[str, ...]


@dataclass(frozen=True)
class MineOptions:
    by: str = BY_SITE
    min_docs: int = 5
    min_share: float = 0.05
    # The cross-site test: a shape on the pages of this many sites or more is wire copy, a common quote or
    # generic furniture the bundled rules are for, not one site's furniture.
    max_sites: int = 3

    def __post_init__(self):
        if self.min_docs < 2:
            raise ValueError(f"min_docs must be at least 2 (a line on one page is not repeated), not {self.min_docs}")
        if not 0 < self.min_share <= 1:
            raise ValueError(f"min_share must be in (0, 1], not {self.min_share}")
        if self.max_sites < 2:
            raise ValueError(f"max_sites must be at least 2, not {self.max_sites}")


def repeated(shape: str, tally: ShapeTally, site_docs: Mapping[str, int],
             options: MineOptions) -> Iterator[tuple[str, bool, Candidate]]:
    """``(site, cross_site, candidate)`` for every site on whose pages the shape repeats enough;
    ``cross_site`` is True when the shape is on ``max_sites`` sites or more (the line is then left out)."""
    for site, line in sorted(tally.sites.items()):
        total = site_docs.get(site, 0)
        docs = len(line.docs)
        if not total or docs < options.min_docs or docs / total < options.min_share:
            continue
        yield site, len(tally.sites) >= options.max_sites, Candidate(
            shape=shape, docs=docs, share=round(docs / total, 4), sites=len(tally.sites),
            positions=tuple((where, line.positions[where]) for where in POSITIONS if line.positions[where]),
            variants=tuple(sorted(line.variants.items(), key=lambda item: (-item[1], item[0]))[:VARIANTS]),
            ids=tuple(line.ids))


def repeated_in(tally: ShapeTally) -> list[str]:
    """The sites on two or more of whose pages the shape is: lines there are not prose to use as look-alikes."""
    return sorted(site for site, line in tally.sites.items() if len(line.docs) >= 2)


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


@dataclass(frozen=True)
class Run:
    """Consecutive furniture lines of one page, with the prose line before and after them: one example.

    ``lines`` is that stretch of the text as it is (blank lines included), ``shapes`` the furniture shape
    of each line (None for the context and blank lines)."""

    doc_id: str
    lines: tuple[str, ...]
    shapes: tuple[str | None, ...]

    @property
    def signature(self) -> tuple[str, ...]:
        return tuple(shape for shape in self.shapes if shape is not None)


@dataclass(frozen=True)
class Lookalike:
    score: float
    doc_id: str
    line: str

    def rank(self) -> tuple[float, str, str]:
        return (-self.score, self.doc_id, self.line)


def scan(doc: MinedDoc, variants: Mapping[str, frozenset[str]], repeated: Set[str]) -> SiteEvidence:
    """A page's runs of furniture (``variants``: the site's candidate shapes and their words) and its prose
    lines closest in words to each candidate, as the evidence of one page. Prose is a line of at least
    ``LOOKALIKE_MIN_WORDS`` words whose shape is on no other page of the site (not in ``repeated``): a
    look-alike is a claim that the line is content, which a line printed on many pages may not be."""
    furniture = variants.keys()
    evidence = SiteEvidence()
    lines = doc.text.split("\n")
    shapes = [line_shape(line) if candidate_line(line) and line_shape(line) in furniture else None
              for line in lines]
    index = 0
    while index < len(lines):
        if shapes[index] is None:
            index += 1
            continue
        end = probe = index
        # Blank lines between two furniture lines stay inside the run; a prose line ends it.
        while probe + 1 < len(lines) and (shapes[probe + 1] is not None or not lines[probe + 1]):
            probe += 1
            if shapes[probe] is not None:
                end = probe
        start, stop = _context(lines, index, -1), _context(lines, end, 1)
        evidence.add_run(Run(doc.id, tuple(lines[start:stop + 1]),
                             tuple(shapes[i] if index <= i <= end else None for i in range(start, stop + 1))))
        index = end + 1
    for line, shape in zip(lines, shapes, strict=True):
        if shape is not None or not is_prose(line) or line_shape(line) in repeated:
            continue
        line_words = words(line)
        evidence.add_fallback(Lookalike(0.0, doc.id, line))
        for candidate in sorted(furniture):
            common = len(line_words & variants[candidate])
            if common:
                score = round(common / len(variants[candidate]), 4)
                near = score >= NEAR_VARIANT and len(line_words) <= 2 * len(variants[candidate]) + 2
                kept = evidence.near if near else evidence.lookalikes
                _add_best(kept, candidate, Lookalike(score, doc.id, line))
    return evidence


def is_prose(line: str) -> bool:
    """A sentence or more: ``LOOKALIKE_MIN_WORDS`` words or more, ending in sentence punctuation.

    >>> is_prose("The council approved the budget on Tuesday after a long debate."), is_prose("Most Read Stories")
    (True, False)
    """
    return word_count(line) >= LOOKALIKE_MIN_WORDS and _SENTENCE_END.search(line) is not None


def _context(lines: list[str], at: int, step: int) -> int:
    """The index of the nearest non-empty line before (step -1) or after (step 1) ``at``, else ``at``: prose,
    since a furniture line there would be part of the run."""
    index = at + step
    while 0 <= index < len(lines) and not lines[index]:
        index += step
    return index if 0 <= index < len(lines) else at


def _add_best(best: dict[str, list[Lookalike]], shape: str, lookalike: Lookalike) -> None:
    """Keep the ``LOOKALIKES`` best of a shape's lines, by score, then page id."""
    kept = best.setdefault(shape, [])
    if lookalike not in kept:
        kept.append(lookalike)
        kept.sort(key=Lookalike.rank)
        del kept[LOOKALIKES:]


@dataclass
class SiteEvidence:
    """What the pages of one site show about its candidate lines: runs of furniture by signature (pages,
    and the run of the smallest page id), the best look-alikes per shape, and one prose line for a rule
    none is close to."""

    runs: dict[tuple[str, ...], tuple[int, Run]] = field(default_factory=dict)
    lookalikes: dict[str, list[Lookalike]] = field(default_factory=dict)
    near: dict[str, list[Lookalike]] = field(default_factory=dict)   # likely variants, for the report
    fallback: Lookalike | None = None

    def add_run(self, run: Run) -> None:
        self._keep_run(run.signature, 1, run)

    def _keep_run(self, signature: tuple[str, ...], count: int, run: Run) -> None:
        seen, kept = self.runs.get(signature, (0, run))
        self.runs[signature] = (seen + count, min(kept, run, key=lambda r: (r.doc_id, r.lines)))

    def add_fallback(self, lookalike: Lookalike) -> None:
        if self.fallback is None or lookalike.rank() < self.fallback.rank():
            self.fallback = lookalike

    def merge(self, other: SiteEvidence) -> SiteEvidence:
        for signature, (count, run) in other.runs.items():
            self._keep_run(signature, count, run)
        for mine, theirs in ((self.lookalikes, other.lookalikes), (self.near, other.near)):
            for shape, lookalikes in theirs.items():
                for lookalike in lookalikes:
                    _add_best(mine, shape, lookalike)
        if other.fallback is not None:
            self.add_fallback(other.fallback)
        return self
