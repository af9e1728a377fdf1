"""Score cleaned articles against gold answers, as ../dev_eval/README.md describes.

Both sides are folded first, so that policy choices the gold does not judge
(Unicode form, curly or straight quotes, where lines break) do not count:
NFKC, curly quotes to straight, every run of whitespace to one space.
Words are the whitespace-separated tokens of the folded text; lost and extra
words are counted as multisets, so a repeated sentence counts twice.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.core.words import words

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
OVERALL = "all"


def fold(text: str) -> str:
    """The comparison form of a text.

    >>> fold("“Curly”\\u00a0quotes\\n\\n  and   ﬁne   lines ")
    '"Curly" quotes and fine lines'
    >>> fold("already folded")
    'already folded'
    """
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split())


@dataclass(frozen=True)
class Comparison:
    """One document's output against its gold answer."""

    id: str
    missing: bool
    exact_text: bool
    exact_title: bool
    gold_words: int
    output_words: int
    words_lost: int
    words_extra: int


def compare(gold: Mapping, output: Mapping | None) -> Comparison:
    gold_text, gold_title = fold(gold.get("text") or ""), fold(gold.get("title") or "")
    out_text = fold(output.get("text") or "") if output else ""
    out_title = fold(output.get("title") or "") if output else None
    gold_counts, out_counts = Counter(words(gold_text)), Counter(words(out_text))
    return Comparison(
        id=gold["id"],
        missing=output is None,
        exact_text=output is not None and out_text == gold_text,
        exact_title=out_title == gold_title,
        gold_words=sum(gold_counts.values()),
        output_words=sum(out_counts.values()),
        words_lost=sum((gold_counts - out_counts).values()),
        words_extra=sum((out_counts - gold_counts).values()),
    )


@dataclass
class Tally:
    """Sums over a group of documents; shares are computed at the end."""

    documents: int = 0
    missing: int = 0
    exact_text: int = 0
    exact_title: int = 0
    gold_words: int = 0
    output_words: int = 0
    words_lost: int = 0
    words_extra: int = 0

    def add(self, c: Comparison) -> None:
        self.documents += 1
        self.missing += c.missing
        self.exact_text += c.exact_text
        self.exact_title += c.exact_title
        self.gold_words += c.gold_words
        self.output_words += c.output_words
        self.words_lost += c.words_lost
        self.words_extra += c.words_extra

    def shares(self) -> dict:
        def share(part: int, whole: int) -> float:
            return round(part / whole, 6) if whole else 0.0

        return {
            "documents": self.documents,
            "missing": self.missing,
            "exact_text": share(self.exact_text, self.documents),
            "exact_title": share(self.exact_title, self.documents),
            "words_lost": share(self.words_lost, self.gold_words),
            "words_extra": share(self.words_extra, self.output_words),
        }


def score(outputs: Mapping[str, Mapping], gold: Iterable[Mapping], kinds: Mapping[str, list[str]] | None = None,
          worst: int = 20) -> dict:
    """Compare clean records (by id) with gold records, overall and per cruft kind when given."""
    groups = {OVERALL: Tally()}
    comparisons = []
    for answer in gold:
        comparison = compare(answer, outputs.get(answer["id"]))
        comparisons.append(comparison)
        for group in [OVERALL, *sorted((kinds or {}).get(comparison.id, []))]:
            groups.setdefault(group, Tally()).add(comparison)
    flawed = sorted((c for c in comparisons if c.words_lost or c.words_extra),
                    key=lambda c: (-(c.words_lost + c.words_extra), c.id))
    return {
        "groups": {name: tally.shares() for name, tally in groups.items()},
        "missing_ids": [c.id for c in comparisons if c.missing],
        "worst": [{"id": c.id, "words_lost": c.words_lost, "words_extra": c.words_extra} for c in flawed[:worst]],
    }


def format_report(report: dict) -> str:
    header = f"{'group':<14}{'docs':>6}{'missing':>9}{'exact text':>12}{'exact title':>13}{'words lost':>12}{'cruft left':>12}"
    lines = [header]
    for name, g in report["groups"].items():
        lines.append(f"{name:<14}{g['documents']:>6}{g['missing']:>9}{g['exact_text']:>12.4f}{g['exact_title']:>13.4f}"
                     f"{g['words_lost']:>12.6f}{g['words_extra']:>12.6f}")
    if report["worst"]:
        lines.append("worst documents (words lost / cruft words left):")
        lines += [f"  {d['id']}: {d['words_lost']} / {d['words_extra']}" for d in report["worst"][:10]]
    return "\n".join(lines)
