"""What the removal ledger costs the cleaning core, off (the default) and on.

    python bench/ledger_overhead.py --corpus ../shared/corpus [--rounds 5]
    PYTHONPATH=/path/to/other/checkout python bench/ledger_overhead.py --corpus ../shared/corpus --off_only

Cleans every article of the corpus' scraped JSONL files (the sources of bench/benchmark.py) with
``pipeline.clean.Cleaner`` and the bundled rules, in one process, ``--rounds`` times each way, alternating, and
prints the best round's MB/s of article text: best-of because the machine is shared, alternating so that a
busy spell hits both ways alike. Run with the PYTHONPATH of a checkout from before the ledger to compare
"off" with no ledger at all (the ledger-on row is left out where CleanOptions has no ``ledger``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

from pipeline.clean import Cleaner, CleanOptions
from pipeline.readers import JsonlFields
from pipeline.readers.jsonl import article_from_json_line
from pipeline.records import Rejected
from pipeline.rules.files import bundled_rules_dir, load_rules

SOURCES = ["allsides_abp", "rss_pull_2026", "fakenewsnet_v1", "fakenewscorpus_sample"]


def articles(corpus: Path) -> list:
    found = []
    for source in SOURCES:
        path = corpus / source / "articles.jsonl"
        for line_no, line in enumerate(path.read_bytes().splitlines(), 1):
            try:
                found.append(article_from_json_line(line, str(path), line_no, JsonlFields()))
            except Rejected:
                continue
    return found


def one_round(cleaner: Cleaner, docs: list) -> float:
    start = time.perf_counter()
    for article in docs:
        try:
            cleaner.clean(article)
        except Rejected:
            pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus folder (../shared/corpus)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--off_only", action="store_true",
                        help="only the ledger off: the same work as a checkout from before the ledger does")
    args = parser.parse_args()
    docs = articles(args.corpus)
    megabytes = sum(len(article.text.encode("utf-8")) for article in docs) / 1e6
    rules = load_rules([bundled_rules_dir()])
    ways = {"ledger off": Cleaner(rules, CleanOptions())}
    if not args.off_only and "ledger" in {field.name for field in dataclasses.fields(CleanOptions)}:
        ways["ledger on"] = Cleaner(rules, CleanOptions(ledger=True))
    for cleaner in ways.values():   # warm the gate's caches and ftfy's verdicts, as a worker's first bundle does
        one_round(cleaner, docs)
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(args.rounds):
        for name, cleaner in ways.items():
            best[name] = min(best[name], one_round(cleaner, docs))
    print(json.dumps({"documents": len(docs), "text_mb": round(megabytes, 2), "rounds": args.rounds,
                      **{name: {"best_s": round(seconds, 3), "mb_per_s": round(megabytes / seconds, 2)}
                         for name, seconds in best.items()}}, indent=1))


if __name__ == "__main__":
    main()
