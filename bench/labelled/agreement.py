#!/usr/bin/env python
"""How far two labellers of the same lines agree.

Usage:
    python bench/labelled/agreement.py FIRST.jsonl SECOND.jsonl [--text N]

FIRST is a labelled sample as score_labelled.py reads it ({"id", "corpus", "lines": [{"n", "text", "label",
"cruft_spans"?}]}, a mixed line's cruft_spans being the exact substrings that are cruft). SECOND labels some of
the same documents without the texts: {"id", "lines": [{"n", "label", "cruft_spans"?}]}, a mixed line's
cruft_spans being [start, end] character offsets into FIRST's text of that line. Every line SECOND labels must
be in FIRST; the lines compared are SECOND's.

What is printed, overall and per corpus:
  * lines: raw agreement (share of lines with the same label) and Cohen's kappa over the four labels
    (content, cruft, ambiguous, mixed), kappa = (p_o - p_e) / (1 - p_e), p_e from each labeller's own label
    shares on these lines;
  * words: each whitespace word gets its line's label, a word of a mixed line content or cruft by
    score_labelled.label_words (cruft when most of its characters lie inside a cruft span), so these are the
    labels the scorer would count; the share of words with the same label, and kappa over content, cruft and
    ambiguous;
  * the confusion tables of lines (FIRST's label in rows, SECOND's in columns) and of words;
  * every disagreeing line: a different label, or both mixed with spans that give some word another label.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from score_labelled import label_words

LINE_LABELS = ("content", "cruft", "ambiguous", "mixed")
WORD_LABELS = ("content", "cruft", "ambiguous")


class LabelError(ValueError):
    """A labels file that cannot be compared: the message names the file, document and line."""


@dataclass
class Pair:
    """One line labelled by both: its labels and the scorer's word labels under each."""

    doc: str
    corpus: str
    n: int
    text: str
    first: str
    second: str
    first_words: list[str]
    second_words: list[str]

    @property
    def words_differing(self) -> int:
        return sum(a != b for a, b in zip(self.first_words, self.second_words, strict=True))


@dataclass
class Agreement:
    """Counts for one group of pairs: line and word confusion tables."""

    lines: Counter[tuple[str, str]] = field(default_factory=Counter)
    words: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, pair: Pair) -> None:
        self.lines[pair.first, pair.second] += 1
        self.words.update(zip(pair.first_words, pair.second_words, strict=True))


def kappa(table: Counter[tuple[str, str]]) -> tuple[float, float]:
    """Raw agreement and Cohen's kappa of a confusion table {(first, second): count}.

    >>> kappa(Counter({("content", "content"): 8, ("cruft", "cruft"): 2}))
    (1.0, 1.0)
    >>> round(kappa(Counter({("content", "content"): 6, ("cruft", "content"): 2, ("cruft", "cruft"): 2}))[1], 4)
    0.5455
    """
    total = sum(table.values())
    if not total:
        return float("nan"), float("nan")
    observed = sum(c for (a, b), c in table.items() if a == b) / total
    first = Counter[str]()
    second = Counter[str]()
    for (a, b), c in table.items():
        first[a] += c
        second[b] += c
    expected = sum(first[k] * second[k] for k in first) / total / total
    return observed, (observed - expected) / (1 - expected) if expected < 1 else float("nan")


def offsets_to_substrings(text: str, spans: list[list[int]], where: str) -> list[str]:
    """SECOND's [start, end] offsets as the substrings label_words looks up, left to right.

    label_words finds each substring from the end of the one before, so an offset span whose text also occurs
    earlier would be read at the wrong place; such a span is an error, not a silent misreading.

    >>> offsets_to_substrings("Trump Donald John TrumpGOP x MORE said", [[6, 33]], "d:0")
    ['Donald John TrumpGOP x MORE']
    >>> offsets_to_substrings("ad, ad", [[4, 6]], "d:0")
    Traceback (most recent call last):
    ...
    agreement.LabelError: d:0: cruft span [4, 6] ('ad') also occurs earlier in the line; give it as the first one
    """
    out: list[str] = []
    pos = 0
    for span in sorted(spans):
        if len(span) != 2 or not 0 <= span[0] < span[1] <= len(text) or span[0] < pos:
            raise LabelError(f"{where}: cruft span {span} is not an increasing [start, end] inside the line")
        sub = text[span[0]:span[1]]
        if text.find(sub, pos) != span[0]:
            raise LabelError(f"{where}: cruft span {span} ({sub!r}) also occurs earlier in the line; "
                             "give it as the first one")
        out.append(sub)
        pos = span[1]
    return out


def line_words(row: dict, text: str) -> list[str]:
    """The scorer's word labels of one line (row: label and cruft_spans as substrings)."""
    return [w.label for w in label_words([{**row, "n": 0, "text": text}], [text])]


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def pairs(first_path: str, second_path: str) -> list[Pair]:
    """Every line of SECOND with its label in FIRST; LabelError for anything that cannot be compared."""
    first = {rec["id"]: rec for rec in read_jsonl(first_path)}
    out: list[Pair] = []
    for rec in read_jsonl(second_path):
        doc = first.get(rec["id"])
        if doc is None:
            raise LabelError(f"{second_path}: document {rec['id']!r} is not in {first_path}")
        rows = {row["n"]: row for row in doc["lines"]}
        for row in rec["lines"]:
            where = f"{second_path}: {rec['id']}:{row['n']}"
            if row["n"] not in rows:
                raise LabelError(f"{where}: line not labelled in {first_path}")
            if row["label"] not in LINE_LABELS:
                raise LabelError(f"{where}: label {row['label']!r} is not one of {', '.join(LINE_LABELS)}")
            if (row["label"] == "mixed") != bool(row.get("cruft_spans")):
                raise LabelError(f"{where}: cruft_spans are given exactly when the label is mixed")
            theirs = rows[row["n"]]
            text = theirs["text"]
            mine = {"label": row["label"]}
            if row["label"] == "mixed":
                mine["cruft_spans"] = offsets_to_substrings(text, row["cruft_spans"], where)
            out.append(Pair(rec["id"], doc["corpus"], row["n"], text, theirs["label"], row["label"],
                            line_words(theirs, text), line_words(mine, text)))
        missing = sorted(set(rows) - {row["n"] for row in rec["lines"]})
        if missing:
            raise LabelError(f"{second_path}: {rec['id']} leaves lines {missing[:10]} of {first_path} unlabelled")
    return out


def table(counts: Counter[tuple[str, str]], labels: tuple[str, ...], unit: str) -> str:
    """A Markdown confusion table, FIRST in rows and SECOND in columns."""
    head = f"| first \\ second ({unit}) | " + " | ".join(labels) + " | total |"
    rows = [head, "|---" * (len(labels) + 2) + "|"]
    for a in labels:
        cells = [counts[a, b] for b in labels]
        rows.append(f"| {a} | " + " | ".join(str(c) for c in cells) + f" | {sum(cells)} |")
    totals = [sum(counts[a, b] for a in labels) for b in labels]
    rows.append("| total | " + " | ".join(str(c) for c in totals) + f" | {sum(totals)} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("first", help="labelled sample with texts (e.g. bench/labelled/sample.jsonl)")
    ap.add_argument("second", help="second labelling of some of its documents (e.g. bench/labelled/second_labeller.jsonl)")
    ap.add_argument("--text", type=int, default=90, help="characters of each disagreeing line to show")
    args = ap.parse_args(argv)
    try:
        compared = pairs(args.first, args.second)
    except (OSError, json.JSONDecodeError, KeyError, LabelError, ValueError) as error:
        print(f"cannot compare: {error}", file=sys.stderr)
        return 2

    groups: dict[str, Agreement] = {"all": Agreement()}
    for pair in compared:
        groups["all"].add(pair)
        groups.setdefault(pair.corpus, Agreement()).add(pair)
    docs = len({p.doc for p in compared})
    print(f"first: {args.first}   second: {args.second}   {docs} documents, {len(compared)} lines\n")
    print("| group | lines | line agreement | line kappa | words | word agreement | word kappa |")
    print("|---|---|---|---|---|---|---|")
    for name in ["all", *sorted(g for g in groups if g != "all")]:
        g = groups[name]
        lo, lk = kappa(g.lines)
        wo, wk = kappa(g.words)
        print(f"| {name} | {sum(g.lines.values())} | {lo:.3f} | {lk:.3f} | {sum(g.words.values())} | {wo:.3f} | {wk:.3f} |")
    print()
    print(table(groups["all"].lines, LINE_LABELS, "lines"))
    print()
    print(table(groups["all"].words, WORD_LABELS, "words"))

    differing = [p for p in compared if p.first != p.second or p.words_differing]
    print(f"\nDisagreeing lines ({len(differing)}; id:line, corpus, first -> second, words labelled differently):")
    for p in differing:
        print(f"  {p.doc}:{p.n} ({p.corpus}) {p.first} -> {p.second}, {p.words_differing} w: {p.text[:args.text]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
