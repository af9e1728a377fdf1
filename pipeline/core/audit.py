"""What a run still leaves that looks like furniture, per corpus and per site, so a rule review starts from numbers.

A line is *furniture-like* when it shows one of three signals (a line with several counts once overall):

- ``repeated``: a short line (at most 12 words) whose shape (digits folded, case and spacing ignored) appears in
  at least ``min_docs`` documents of the same site. Prose is not repeated across a site's articles; its menus,
  labels and promos are.
- ``furniture_words``: a line of at most 40 words that addresses the reader as furniture does (share this,
  follow us, subscribe, sign up for, newsletter, advertisement, read more, click here, leave a comment), or is
  one share button's label alone (``WhatsApp``).
- ``link_list``: a run of three or more lines in a row, each at most 14 words, starting with a capital or a
  digit and ending without sentence punctuation: the shape of a list of linked headlines.

Two labels are also counted wherever they are, in lines of any length (occurrences, not words): The Hill's
hover-card ``MORE`` (an upper-case MORE outside an ALL-CAPS run) and an ``ADVERTISEMENT`` slot, inline ones included.

The signals flag lines for a person to read; they are not rules (a site's repeated subheads, a list in an
article, a sentence about Twitter are flagged too). Run the audit on the input and on a run's clean output to
see what the rules took and what they left. Nothing here imports Beam: the command line reads the files.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pipeline.core.site_suffix import host_of
from pipeline.core.words import word_count

SHORT_LINE_WORDS = 12
FURNITURE_LINE_WORDS = 40
LIST_LINE_WORDS = 14
LIST_MIN_RUN = 3
DEFAULT_MIN_DOCS = 3
SIGNALS = ("repeated", "furniture_words", "link_list")
NO_SITE = "(no url)"

# Wording addressed to the reader, not words a report uses ("declined to comment", "in a tweet"); a lone
# network name is a share button.
_FURNITURE = re.compile(
    r"\b(?:share[ ](?:this|on|via|if|it)|follow[ ](?:us|me|@)|like[ ]us[ ]on|join[ ]us[ ]on|subscribe"
    r"|sign[ ]?up[ ](?:for|to|here|now|today)|newsletters?|advertisement|sponsored[ ](?:content|links?|stories)"
    r"|read[ ]more|click[ ]here|download[ ]the[ ]app"
    r"|leave[ ]a[ ]comment|\d+[ ]comments|comments?[ ](?:are|is)[ ]closed|join[ ]the[ ](?:conversation|discussion))\b"
    r"|^(?:facebook|twitter|whatsapp|linkedin|telegram|reddit|pinterest|email|print|share|tweet)$", re.IGNORECASE)
_LABELS = {"hover_more": re.compile(r"(?<![A-Z] )(?<![A-Z])MORE(?! ?[A-Z]{2})"),
           "advertisement": re.compile(r"\bADVERTISEMENT\b")}
_DIGITS = re.compile(r"\d+")
_LIST_START = re.compile(r"^[\"'“‘(\[]?[A-Z0-9]")
_SENTENCE_END = re.compile(r"[.!?:;,\"”’)]$")


@dataclass(frozen=True)
class Document:
    """One article's text with where it came from."""

    corpus: str
    site: str
    text: str


@dataclass
class Tally:
    """Words of a group of documents, and those on furniture-like lines (by signal and overall)."""

    docs: int = 0
    words: int = 0
    flagged_words: int = 0
    by_signal: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)

    def share(self) -> float:
        return self.flagged_words / self.words if self.words else 0.0

    def as_dict(self) -> dict:
        return {"docs": self.docs, "words": self.words, "flagged_words": self.flagged_words,
                "flagged_share": round(self.share(), 6), "by_signal": {s: self.by_signal[s] for s in SIGNALS},
                "labels": {name: self.labels[name] for name in _LABELS}}


@dataclass
class SiteReport:
    tally: Tally = field(default_factory=Tally)
    repeated: Counter = field(default_factory=Counter)      # line shape -> documents of the site holding it
    furniture: Counter = field(default_factory=Counter)     # line shape -> lines with furniture words


@dataclass
class Report:
    corpora: dict[str, Tally]
    sites: dict[tuple[str, str], SiteReport]


def line_shape(line: str) -> str:
    """The form under which lines count as the same: digits folded, case and spacing ignored.

    >>> line_shape("Updated  at 10:32 a.m.")
    'updated at 0:0 a.m.'
    """
    return _DIGITS.sub("0", " ".join(line.split()).casefold())


def site_of(url: str | None, metadata: Mapping | None = None) -> str:
    """The host of a document's URL without ``www.``; else the publisher its metadata names; else ``(no url)``.

    >>> site_of("https://www.thehill.com/homenews/1")
    'thehill.com'
    >>> site_of(None, {"source": "The Hill"})
    'The Hill'
    >>> site_of(None)
    '(no url)'
    """
    if host := host_of(url):
        return host
    for key in ("site_name", "source"):
        value = (metadata or {}).get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return NO_SITE


def corpus_names(paths: Iterable[str]) -> dict[str, str]:
    """Each input file's corpus: its first folder below the folder all the files share, or its own name there.

    >>> names = corpus_names(["/c/allsides/articles.jsonl", "/c/rss/articles.jsonl"])
    >>> names["/c/allsides/articles.jsonl"], names["/c/rss/articles.jsonl"]
    ('allsides', 'rss')
    >>> corpus_names(["/data/wire.jsonl"])
    {'/data/wire.jsonl': 'wire.jsonl'}
    """
    paths = sorted(set(paths))
    if not paths:
        return {}
    common = posixpath.commonpath([posixpath.dirname(p) for p in paths]) if len(paths) > 1 else posixpath.dirname(paths[0])
    return {p: posixpath.relpath(p, common).split("/")[0] for p in paths}


def _lines(text: str) -> list[str]:
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]


def _list_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines in runs of at least LIST_MIN_RUN headline-shaped lines in a row."""
    flagged: set[int] = set()
    run: list[int] = []
    for i, line in enumerate([*lines, ""]):
        if line and word_count(line) <= LIST_LINE_WORDS and _LIST_START.match(line) and not _SENTENCE_END.search(line):
            run.append(i)
            continue
        if len(run) >= LIST_MIN_RUN:
            flagged.update(run)
        run = []
    return flagged


def audit(documents: Iterable[Document], min_docs: int = DEFAULT_MIN_DOCS) -> Report:
    """Count the furniture-like lines of ``documents`` per corpus and per (corpus, site).

    >>> stories = ["The council met.", "Rain fell all day.", "Schools reopened."]
    >>> docs = [Document("c", "s.com", f"{story}\\n\\nFollow us on Twitter") for story in stories]
    >>> report = audit(docs)
    >>> report.corpora["c"].as_dict()["by_signal"]
    {'repeated': 12, 'furniture_words': 12, 'link_list': 0}
    >>> report.sites[("c", "s.com")].repeated.most_common(1)
    [('follow us on twitter', 3)]
    """
    documents = list(documents)
    split = [_lines(doc.text) for doc in documents]
    doc_frequency: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for doc, lines in zip(documents, split, strict=True):
        doc_frequency[(doc.corpus, doc.site)].update({line_shape(line) for line in lines
                                                      if word_count(line) <= SHORT_LINE_WORDS})
    corpora: dict[str, Tally] = defaultdict(Tally)
    sites: dict[tuple[str, str], SiteReport] = defaultdict(SiteReport)
    for doc, lines in zip(documents, split, strict=True):
        key = (doc.corpus, doc.site)
        site = sites[key]
        in_list = _list_lines(lines)
        seen_repeated: set[str] = set()
        for tally in (corpora[doc.corpus], site.tally):
            tally.docs += 1
        for i, line in enumerate(lines):
            words = word_count(line)
            shape = line_shape(line)
            signals = []
            if words <= SHORT_LINE_WORDS and doc_frequency[key][shape] >= min_docs:
                signals.append("repeated")
                if shape not in seen_repeated:
                    seen_repeated.add(shape)
                    site.repeated[shape] += 1
            if words <= FURNITURE_LINE_WORDS and _FURNITURE.search(line):
                signals.append("furniture_words")
                site.furniture[shape[:120]] += 1
            if i in in_list:
                signals.append("link_list")
            labels = {name: len(pattern.findall(line)) for name, pattern in _LABELS.items()}
            for tally in (corpora[doc.corpus], site.tally):
                tally.labels.update(labels)
                tally.words += words
                tally.flagged_words += words if signals else 0
                for signal in signals:
                    tally.by_signal[signal] += words
    return Report(dict(corpora), dict(sites))


def compare_dict(before: Report, after: Report, top: int = 10) -> dict:
    """The two audits side by side, per corpus and for each site's ``top`` most furniture-like lines (after)."""
    corpora = {}
    for name in sorted(set(before.corpora) | set(after.corpora)):
        corpora[name] = {"before": before.corpora.get(name, Tally()).as_dict(),
                         "after": after.corpora.get(name, Tally()).as_dict()}
    sites = []
    ranked = sorted(after.sites.items(), key=lambda item: (-item[1].tally.flagged_words, item[0]))
    for (corpus, site), report in ranked[:top]:
        sites.append({"corpus": corpus, "site": site, "after": report.tally.as_dict(),
                      "before": before.sites.get((corpus, site), SiteReport()).tally.as_dict(),
                      "repeated": report.repeated.most_common(top), "furniture_words": report.furniture.most_common(top)})
    return {"corpora": corpora, "sites": sites}


def format_comparison(comparison: dict, lines_per_site: int = 5) -> str:
    """A table per corpus (words on furniture-like lines before and after), then the worst sites with their lines."""
    out = ["| corpus | docs | words before | furniture-like before | words after | furniture-like after "
           "| repeated | furniture words | link lists | hover MORE | ADVERTISEMENT |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, pair in comparison["corpora"].items():
        b, a = pair["before"], pair["after"]
        signals = " | ".join(f"{a['by_signal'][s] / a['words'] if a['words'] else 0:.4f}" for s in SIGNALS)
        out.append(f"| {name} | {a['docs'] or b['docs']} | {b['words']} | {b['flagged_share']:.4f} | {a['words']} "
                   f"| {a['flagged_share']:.4f} | {signals} | {b['labels']['hover_more']} -> {a['labels']['hover_more']} "
                   f"| {b['labels']['advertisement']} -> {a['labels']['advertisement']} |")
    out.append("")
    out.append("sites with the most words on furniture-like lines after the run (share before -> after):")
    for site in comparison["sites"]:
        a, b = site["after"], site["before"]
        out.append(f"  {site['corpus']} / {site['site']}: {a['docs']} docs, {a['flagged_words']} of {a['words']} words "
                   f"({b['flagged_share']:.4f} -> {a['flagged_share']:.4f})")
        for shape, docs in site["repeated"][:lines_per_site]:
            out.append(f"      repeated in {docs:4} docs: {shape[:110]!r}")
        for shape, count in site["furniture_words"][:lines_per_site]:
            out.append(f"      furniture words x{count:4}: {shape[:110]!r}")
    return "\n".join(out)
