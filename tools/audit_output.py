"""Audit a cleaned corpus against its raw input: cruft left, and the largest reductions.

    python tools/audit_output.py RAW.jsonl OUT_DIR [--source "The Hill"] [--top 15]

Reads the raw JSONL (with ``id``, ``text`` and optionally ``source``) and the
job's clean output, then prints, for the selected source: documents whose
output still holds a hover-card ``MORE`` or an advertisement label line, and
the documents whose text shrank most, with what was removed, for a person to
check by hand.
"""

from __future__ import annotations

import argparse
import difflib
import json
from pathlib import Path

import regex

# An uppercase MORE that is not part of an ALL-CAPS run: what a hover card leaves.
CARD_MORE = regex.compile(r"(?<!\p{Lu}[ ]?)MORE(?![ ]?\p{Lu}{2})")
AD_LINE = regex.compile(r"(?mi)^[-–—\[\(\s]*(?:advertisements?|advertising|ads?|sponsored)\s*:?[-–—\]\)\s]*$")


def removed_spans(before: str, after: str) -> list[str]:
    words_before, words_after = before.split(), after.split()
    matcher = difflib.SequenceMatcher(a=words_before, b=words_after, autojunk=False)
    return [" ".join(words_before[i1:i2]) for op, i1, i2, _, _ in matcher.get_opcodes() if op in ("delete", "replace")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("raw")
    parser.add_argument("output_dir")
    parser.add_argument("--source", help="only documents whose raw 'source' field equals this")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()

    raw = {}
    # "\n" only, as JSON Lines means: str.splitlines also splits at U+2028 or U+0085 inside a string.
    for line in filter(str.strip, Path(args.raw).read_text(encoding="utf-8").split("\n")):
        record = json.loads(line)
        if args.source is None or record.get("source") == args.source:
            raw[record["id"]] = record
    clean = {}
    for shard in sorted(Path(args.output_dir).glob("clean-*.jsonl")):
        for line in filter(str.strip, shard.read_text(encoding="utf-8").split("\n")):
            record = json.loads(line)
            if record["id"] in raw:
                clean[record["id"]] = record

    print(f"documents: {len(raw)} raw, {len(clean)} clean, {len(raw) - len(clean)} not in the clean output")
    with_more = [i for i, r in clean.items() if CARD_MORE.search(r["text"])]
    with_ad = [i for i, r in clean.items() if AD_LINE.search(r["text"])]
    print(f"clean documents with a hover-card MORE left: {len(with_more)}")
    for doc_id in with_more[:args.top]:
        match = CARD_MORE.search(clean[doc_id]["text"])
        print(f"  {doc_id}: ...{clean[doc_id]['text'][max(0, match.start() - 80):match.end() + 40]!r}")
    print(f"clean documents with an advertisement label line left: {len(with_ad)}")
    for doc_id in with_ad[:args.top]:
        print(f"  {doc_id}")

    def shrink(doc_id: str) -> float:
        before = len(raw[doc_id]["text"].split())
        return 1 - len(clean[doc_id]["text"].split()) / before if before else 0.0

    print("largest reductions (share of words removed, then what was removed):")
    for doc_id in sorted(clean, key=shrink, reverse=True)[:args.top]:
        spans = removed_spans(raw[doc_id]["text"], clean[doc_id]["title"] + "\n" + clean[doc_id]["text"])
        print(f"  {doc_id}: {shrink(doc_id):.1%} of {len(raw[doc_id]['text'].split())} words; "
              f"rules {clean[doc_id]['stats']['rules']}")
        for span in spans[:6]:
            print(f"      - {span[:160]!r}")


if __name__ == "__main__":
    main()
