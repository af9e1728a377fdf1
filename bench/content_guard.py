#!/usr/bin/env python
"""Check that cleaning removes nothing from text known to be clean: every removal, listed.

Usage:
    python bench/content_guard.py INPUT_GLOB [INPUT_GLOB...] [--rules PATH]... [--no_bundled_rules]
                                  [--no_headline] [--show N]

Each input (text files, JSONL, any format the job reads) is read with the job's own readers and cleaned with
pipeline.core.clean.Cleaner and the rules (bundled, then --rules in order). A document *changed* when a rule fired,
a headline repeat or a paragraph printed twice was dropped,
the line model removed a line (``--line_model on``), or it was rejected. For
clean text (``../shared/corpus/bbc_fulltext/bbc/*/*.txt``) the answer must be 0; every changed document is
printed with the words that went, so a person sees why.
Exits 1 when any document changed, so it can gate a rule change.
"""
from __future__ import annotations

import argparse
import difflib
import glob
import sys
from collections import Counter

from pipeline.beam.rule_files import bundled_rules_dir, load_rules
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.normalize import NormalizeOptions, UnicodeFixer, normalize
from pipeline.core.readers import ReadOptions, detect_format, read_records
from pipeline.core.records import Article, Rejected


def removed_words(before: str, after: str) -> list[str]:
    """The runs of words of ``before`` missing from ``after``, in order."""
    a, b = before.split(), after.split()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [" ".join(a[i1:i2]) for op, i1, i2, _, _ in matcher.get_opcodes() if op in ("delete", "replace")]


def articles(patterns: list[str]):
    for pattern in patterns:
        paths = sorted(glob.glob(pattern, recursive=True))
        if not paths:
            sys.exit(f"no file matches {pattern}")
        for path in paths:
            with open(path, "rb") as stream:
                for record, _ in read_records(stream, path, detect_format(path), ReadOptions()):
                    yield record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--rules", action="append", default=[])
    parser.add_argument("--no_bundled_rules", action="store_true")
    parser.add_argument("--no_headline", action="store_true", help="texts start with the body (no headline line)")
    parser.add_argument("--show", type=int, default=30, help="changed documents to print")
    parser.add_argument("--line_model", choices=("on", "off"), default="off", help="as the job's --line_model")
    args = parser.parse_args(argv)
    paths = ([] if args.no_bundled_rules else [bundled_rules_dir()]) + args.rules
    cleaner = Cleaner(load_rules(paths), CleanOptions(first_line_is_headline=not args.no_headline,
                                                        line_model=args.line_model == "on"))
    fixer = UnicodeFixer(NormalizeOptions())
    documents, changed = 0, 0
    by_reason: Counter[str] = Counter()
    for record in articles(args.inputs):
        if not isinstance(record, Article):
            continue   # unreadable input is the readers' business, not a removal
        documents += 1
        try:
            clean = cleaner.clean(record)
        except Rejected as error:
            changed += 1
            by_reason[f"rejected:{error.reason}"] += 1
            if changed <= args.show:
                print(f"{record.id}: rejected {error.reason}: {error}")
            continue
        reasons = (list(clean.stats["rules"]) + (["headline_repeats"] if clean.stats["headline_repeats"] else [])
                   + (["repeated_paragraphs"] if clean.stats["repeated_paragraphs"] else [])
                   + (["line_model"] if clean.stats.get("line_model_lines") else []))
        if not reasons:
            continue
        changed += 1
        by_reason.update(reasons)
        if changed <= args.show:
            before = normalize(record.text, fixer)
            gone = removed_words(before, clean.title + "\n" + clean.text)
            print(f"{record.id}: {', '.join(reasons)}: removed {gone[:5]}")
    print(f"\n{changed} of {documents} documents changed")
    for reason, count in by_reason.most_common():
        print(f"  {count:6d}  {reason}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
