#!/usr/bin/env python
"""Score the project's cleaner against a sample labelled line by line by reading.

Usage:
    python bench/score_labelled.py SAMPLE.jsonl [--rules PATH]... [--no_bundled_rules]
                                                        [--top N] [--json OUT.json]

SAMPLE.jsonl holds one article per line: {"id", "corpus", "source", "url", "title", "raw_text", "lines"}, where
"lines" labels every non-empty line of the *normalised* text (pipeline.core.normalize.normalize(raw_text) split on
"\\n"; "n" is the index into that split) as content, cruft, ambiguous or mixed; a mixed line carries
"cruft_spans", the exact substrings of the line that are cruft.

What is measured, in words (whitespace-separated tokens of the normalised text):
  * each article is cleaned with pipeline.core.clean.Cleaner and the rules (bundled, then --rules in order; only
    --rules with --no_bundled_rules); a Rejected article counts as everything removed;
  * the normalised words are aligned with the output words (title + "\\n\\n" + text) with
    difflib.SequenceMatcher(autojunk=False) on word lists, after folding each word for comparison only
    (NFKC, curly quotes to straight, edge punctuation and a possessive 's dropped),
    so every normalised word is either kept or removed; the body is
    aligned first and the title against the unmatched words above the body's first kept word (see
    kept_mask); the words of a paragraph the cleaner dropped as a later exact copy (the ledger's
    repeated-paragraph removals) are removed and left out of the alignment, because word alignment alone
    cannot tell which of two equal copies survived and would credit the output to whichever copy runs on
    into the longest match (usually the later one, which the labels call cruft);
  * a word gets its line's label; on a mixed line a word is cruft when most of its characters lie inside a
    cruft span, content otherwise; ambiguous lines are not scored;
  * cruft removed = removed cruft words / cruft words; content kept = kept content words / content words;
    a document is entirely right when every content word is kept and every cruft word removed (documents
    with nothing scored count as right); cruft left = kept cruft words / kept scored words (the share of
    furniture in the scored output).
Scores are printed overall and per corpus, then the cruft most often kept (grouped by line shape: digits
folded, first 70 characters) and every content line that lost words, with article ids.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.beam.rule_files import bundled_rules_dir, load_rules
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.ledger import Removal
from pipeline.core.normalize import NormalizeOptions, UnicodeFixer, normalize
from pipeline.core.records import Article, Rejected
from pipeline.core.rules.schema import RuleError
from pipeline.core.steps.repeated_paragraphs import REPEATED_PARAGRAPH

WORD = re.compile(r"\S+")
QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


EDGE = re.compile(r"^[^\w]+|(?:'s)?[^\w]*$")


def fold(word: str) -> str:
    """Comparison key of a word: NFKC, straight quotes, edge punctuation and a possessive 's dropped.

    So quote style alone never breaks a match, and a word whose glued residue was cut ("TillersonSteve ...
    MORE," -> "Tillerson,"; "MORE's" -> "Pelosi's") still matches its kept stem. Pure punctuation keeps itself.
    """
    w = unicodedata.normalize("NFKC", word).translate(QUOTES)
    return EDGE.sub("", w) or w


@dataclass
class Word:
    label: str          # content, cruft or ambiguous
    line: int           # index into normalised.split("\n")


@dataclass
class Tally:
    docs: int = 0
    right: int = 0
    rejected: int = 0
    content: int = 0
    content_kept: int = 0
    cruft: int = 0
    cruft_removed: int = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self, name: str) -> str:
        cr = self.cruft_removed / self.cruft if self.cruft else float("nan")
        ck = self.content_kept / self.content if self.content else float("nan")
        kept = self.content_kept + self.cruft - self.cruft_removed
        left = (self.cruft - self.cruft_removed) / kept if kept else float("nan")
        return (f"| {name:24} | {self.docs:4} | {self.cruft:6} | {cr:.3f} | {self.content:6} | {ck:.5f} | "
                f"{left:.4f} | {self.right:3} ({self.right / self.docs if self.docs else 0:.2f}) | {self.rejected} |")

    def as_dict(self) -> dict:
        d = dict(vars(self))
        d["cruft_removed_share"] = self.cruft_removed / self.cruft if self.cruft else None
        d["content_kept_share"] = self.content_kept / self.content if self.content else None
        return d


HEADER = ("| group                    | docs | cruft w | removed | content w | kept    | cruft left | entirely right "
          "| rejected |\n"
          "|---|---|---|---|---|---|---|---|---|")


@dataclass
class DocResult:
    tally: Tally
    wrong: dict = field(default_factory=dict)   # line n -> (label, words wrong, words in class)


def label_words(lines: list[dict], normalised_lines: list[str]) -> list[Word]:
    """One Word per whitespace token of the normalised text, in order, with its label."""
    by_n = {row["n"]: row for row in lines}
    words: list[Word] = []
    for n, text in enumerate(normalised_lines):
        row = by_n.get(n)
        tokens = list(WORD.finditer(text))
        if tokens and row is None:
            raise ValueError(f"line {n} is not labelled: {text[:80]!r}")
        if row is not None and row["text"] != text:
            raise ValueError(f"line {n} differs from the normalised text (sample drawn with another normaliser?)")
        if row is None:
            continue
        if row["label"] != "mixed":
            words.extend(Word(row["label"], n) for _ in tokens)
            continue
        inside = [False] * len(text)
        pos = 0
        for span in row.get("cruft_spans", []):
            i = text.find(span, pos)
            if i < 0:
                i = text.find(span)
            if i < 0:
                raise ValueError(f"cruft span not in line {n}: {span[:60]!r}")
            for j in range(i, i + len(span)):
                inside[j] = True
            pos = i + len(span)
        for t in tokens:
            share = sum(inside[t.start():t.end()]) / (t.end() - t.start())
            words.append(Word("cruft" if share > 0.5 else "content", n))
    return words


def kept_mask(source_words: list[str], title_words: list[str], text_words: list[str],
              known_removed: frozenset[int] = frozenset()) -> list[bool]:
    """Which normalised words survive in the output (title + "\n\n" + text); ``known_removed``: indices of
    words the cleaner is known to have removed (later copies of a paragraph), which take no part in aligning.

    The output body is aligned first; the output title is then aligned against the normalised words the
    body left unmatched. Aligning "title + text" in one pass gives the same answer except when a headline is
    printed twice at the top: the title would then match whichever copy happens to run on into the body,
    and a correct output (title kept once, copy dropped) would score as first copy lost, second kept.
    """
    a = [fold(w) for w in source_words]
    kept = [False] * len(a)
    aligned = [i for i in range(len(a)) if i not in known_removed]
    matcher = difflib.SequenceMatcher(None, [a[i] for i in aligned], [fold(w) for w in text_words], autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            kept[aligned[i]] = True
    # The title comes from the record or from the top of the text, so it may only take words above the first
    # word the body kept, and only in runs of at least three words (or the whole title): single words of
    # removed furniture ("Trump", "GOP") must not count as kept because the title happens to hold them.
    top = next((i for i, k in enumerate(kept) if k), len(kept))
    rest = list(range(top))
    title = [fold(w) for w in title_words]
    matcher = difflib.SequenceMatcher(None, [a[i] for i in rest], title, autojunk=False)
    for block in matcher.get_matching_blocks():
        if block.size >= min(3, len(title)):
            for j in range(block.a, block.a + block.size):
                kept[rest[j]] = True
    return kept


def copied_words(normalised: str, removals: tuple[Removal, ...]) -> frozenset[int]:
    """Indices of the normalised words inside the cleaner's repeated-paragraph removals (the ledger's offsets).

    >>> text = "One two.\\n\\nThree four.\\n\\nThree four."
    >>> sorted(copied_words(text, (Removal("repeated_paragraphs", REPEATED_PARAGRAPH, 23, 34, "Three four."),)))
    [4, 5]
    """
    spans = [(r.start, r.end) for r in removals if r.cause == REPEATED_PARAGRAPH]
    if not spans:
        return frozenset()
    return frozenset(i for i, word in enumerate(re.finditer(r"\S+", normalised))
                     if any(start <= word.start() and word.end() <= end for start, end in spans))


def score_doc(cleaner: Cleaner, fixer: UnicodeFixer, rec: dict) -> DocResult:
    normalised = normalize(rec["raw_text"], fixer)
    nlines = normalised.split("\n")
    words = label_words(rec["lines"], nlines)
    source_words = normalised.split()
    assert len(source_words) == len(words)
    article = Article(id=rec["id"], text=rec["raw_text"], source=rec.get("source") or rec["corpus"],
                      url=rec.get("url") or None, title=rec.get("title") or None)
    tally = Tally(docs=1)
    try:
        out = cleaner.clean(article)
        kept = kept_mask(source_words, out.title.split(), out.text.split(), copied_words(normalised, out.removals))
    except Rejected:
        tally.rejected = 1
        kept = [False] * len(words)
    per_line: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])   # content, content lost, cruft, cruft kept
    for w, k in zip(words, kept, strict=True):
        if w.label == "content":
            tally.content += 1
            tally.content_kept += k
            per_line[w.line][0] += 1
            per_line[w.line][1] += not k
        elif w.label == "cruft":
            tally.cruft += 1
            tally.cruft_removed += not k
            per_line[w.line][2] += 1
            per_line[w.line][3] += k
    tally.right = int(tally.content_kept == tally.content and tally.cruft_removed == tally.cruft)
    return DocResult(tally, {n: v for n, v in per_line.items() if v[1] or v[3]})


def shape(text: str) -> str:
    return re.sub(r"\d", "0", text)[:70]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sample", help="labelled sample (JSONL)")
    ap.add_argument("--rules", action="append", default=[], help="rule file or folder added after the bundled rules")
    ap.add_argument("--no_bundled_rules", action="store_true", help="use only the --rules given")
    ap.add_argument("--line_model", choices=("on", "off"), default="off", help="as the job's --line_model")
    ap.add_argument("--top", type=int, default=25, help="how many wrong line groups and lines to list")
    ap.add_argument("--json", help="also write the scores and wrong lines to this file")
    args = ap.parse_args(argv)

    paths = ([] if args.no_bundled_rules else [bundled_rules_dir()])
    for value in args.rules:
        paths.extend(p for p in value.split(",") if p)
    try:
        cleaner = Cleaner(load_rules(paths), CleanOptions(line_model=args.line_model == "on", ledger=True))
    except RuleError as error:
        print(f"rules do not load: {error}", file=sys.stderr)
        return 2
    fixer = UnicodeFixer(NormalizeOptions())
    records = [json.loads(line) for line in Path(args.sample).read_text(encoding="utf-8").splitlines() if line.strip()]

    groups: dict[str, Tally] = defaultdict(Tally)
    cruft_kept: dict[str, list] = defaultdict(list)       # shape -> [(id, n, words kept, text)]
    content_lost: list = []
    for rec in records:
        res = score_doc(cleaner, fixer, rec)
        groups["all"].add(res.tally)
        groups[rec["corpus"]].add(res.tally)
        text_of = {row["n"]: row for row in rec["lines"]}
        for n, (_, lost, _, ckept) in res.wrong.items():
            row = text_of[n]
            if ckept:
                part = row["text"] if row["label"] == "cruft" else " … ".join(row["cruft_spans"])
                cruft_kept[shape(part)].append((rec["id"], rec["corpus"], n, ckept, row["text"]))
            if lost:
                content_lost.append((lost, rec["id"], rec["corpus"], n, row["label"], row["text"]))

    print(f"rules: {', '.join(paths) or '(none)'}   sample: {args.sample} ({len(records)} articles)\n")
    print(HEADER)
    for name in ["all", *sorted(g for g in groups if g != "all")]:
        print(groups[name].row(name))

    ranked = sorted(cruft_kept.items(), key=lambda kv: -sum(x[3] for x in kv[1]))
    print(f"\nCruft kept, by line shape (top {args.top}; words kept, lines, docs, examples id:line):")
    for key, hits in ranked[: args.top]:
        docs = {h[0] for h in hits}
        ex = ", ".join(f"{h[0]}:{h[2]}" for h in hits[:3])
        print(f"  {sum(h[3] for h in hits):5} w {len(hits):3} lines {len(docs):3} docs  {key!r}  [{ex}]")
    print(f"\nContent removed (top {args.top} lines by words lost; id, corpus, line):")
    for lost, rid, corpus, n, label, text in sorted(content_lost, reverse=True)[: args.top]:
        print(f"  {lost:4} w  {rid} ({corpus}) line {n} [{label}]: {text[:110]!r}")
    if not content_lost:
        print("  none")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"rules": paths, "groups": {k: v.as_dict() for k, v in groups.items()},
                       "cruft_kept": {k: v for k, v in ranked},
                       "content_lost": content_lost}, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
