"""What the removal ledger costs the cleaning core, off (the default) and on.

    python bench/ledger_overhead.py --corpus ../shared/corpus [--rounds 5]
    PYTHONPATH=/path/to/other/checkout python bench/ledger_overhead.py --corpus ../shared/corpus --off_only
    python bench/ledger_overhead.py --corpus ../shared/corpus --one_document_mb 8.5 --ledger on   # and off
    python bench/ledger_overhead.py --pages ../shared/corpus/article_extraction_benchmark [--rounds 5]

Cleans every article of the corpus' scraped JSONL files (the sources of bench/benchmark.py) with
``pipeline.core.clean.Cleaner`` and the bundled rules, in one process, ``--rounds`` times each way, alternating, and
prints the best round's MB/s of article text: best-of because the machine is shared, alternating so that a
busy spell hits both ways alike. Run with the PYTHONPATH of a checkout from before the ledger to compare
"off" with no ledger at all (the ledger-on row is left out where CleanOptions has no ``ledger``).

With ``--pages BENCHMARK`` (the article-extraction benchmark's folder) it runs the page path instead, over the
benchmark's pages: the HTML reader (decode, parse, extract, metadata) and the cleaning, with the ledger off, with
the cleaning's ledger only (as before pages had one) and on (the pages' ``extract`` removals too), alternating;
it prints the best round's CPU seconds of each way, pages/s, and the removals and JSON bytes of ledger lines the
pages gave. ``--off_only`` there too.

With ``--one_document_mb`` it cleans one document of that size instead (rss_pull_2026's texts joined, as a
scraping accident would), once, and prints the time and the process's peak resident memory: run it once with
``--ledger on`` and once with ``--ledger off``, each its own process.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import json
import resource
import time
from pathlib import Path

from pipeline.beam.rule_files import bundled_rules_dir, load_rules
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.readers import JsonlFields
from pipeline.core.readers.jsonl import article_from_json_line
from pipeline.core.records import Article, Rejected

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
        with contextlib.suppress(Rejected):
            cleaner.clean(article)
    return time.perf_counter() - start


def one_document(corpus: Path, megabytes: float, ledger: bool) -> None:
    texts = [json.loads(line)["text"] for line in (corpus / "rss_pull_2026" / "articles.jsonl").open(encoding="utf-8")]
    text = "\n\n".join(texts * (1 + int(megabytes * 1e6) // sum(map(len, texts))))[:int(megabytes * 1e6)]
    cleaner = Cleaner(load_rules([bundled_rules_dir()]), CleanOptions(ledger=True) if ledger else CleanOptions())
    start = time.perf_counter()
    clean = cleaner.clean(Article(id="one", text=text, source="one"))
    print(json.dumps({"document_mb": round(len(text.encode("utf-8")) / 1e6, 2), "ledger": ledger,
                      "removals": len(clean.removals), "seconds": round(time.perf_counter() - start, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


def pages_round(reader, cleaner: Cleaner, pages: dict[str, bytes]) -> tuple[float, list]:
    """CPU seconds of reading and cleaning every page once, and the ledger lines the pages gave."""
    from pipeline.core.ledger import LedgerEntry
    entries = []
    start = time.process_time()
    for name, data in pages.items():
        try:
            article = reader.article(name, data)
        except Rejected as error:
            entries.append(LedgerEntry(None, name, None, None, getattr(error, "removals", ())))
            continue
        try:
            clean = cleaner.clean(article)
            entries.append(LedgerEntry(article.id, name, None, article.url,
                                       getattr(article, "removals", ()) + clean.removals))
        except Rejected:
            pass
    return time.process_time() - start, entries


def page_path(benchmark: Path, rounds: int, off_only: bool) -> None:
    from pipeline.core.readers.base import ReadOptions
    from pipeline.core.readers.html import HtmlReader
    pages = {path.name.removesuffix(".gz"): gzip.decompress(path.read_bytes())
             for path in sorted((benchmark / "html").glob("*.html.gz"))}
    rules = load_rules([bundled_rules_dir()])
    ways = {"ledger off": (HtmlReader(ReadOptions()), Cleaner(rules, CleanOptions()))}
    if not off_only and "ledger" in {field.name for field in dataclasses.fields(ReadOptions)}:
        # The cleaning's ledger alone, as before pages had one: the rest of "on" is the extraction's.
        ways["cleaning ledger only"] = (HtmlReader(ReadOptions()), Cleaner(rules, CleanOptions(ledger=True)))
        ways["ledger on"] = (HtmlReader(ReadOptions(ledger=True)), Cleaner(rules, CleanOptions(ledger=True)))
    for reader, cleaner in ways.values():   # warm up: imports, trafilatura's caches
        pages_round(reader, cleaner, pages)
    best = dict.fromkeys(ways, float("inf"))
    ledger: dict[str, tuple[int, int]] = {}
    for _ in range(rounds):
        for name, (reader, cleaner) in ways.items():
            seconds, entries = pages_round(reader, cleaner, pages)
            best[name] = min(best[name], seconds)
            removals = [entry for entry in entries if entry.removals]
            ledger[name] = (sum(1 for entry in removals for r in entry.removals if r.step == "extract"),
                            sum(len(json.dumps(entry.to_dict(), ensure_ascii=False).encode()) + 1 for entry in removals))
    print(json.dumps({"pages": len(pages), "rounds": rounds, **{
        name: {"best_cpu_s": round(seconds, 3), "pages_per_s": round(len(pages) / seconds, 1),
               "extract_removals": ledger[name][0], "ledger_bytes": ledger[name][1]}
        for name, seconds in best.items()}}, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="the corpus folder (../shared/corpus)")
    parser.add_argument("--pages", type=Path, metavar="BENCHMARK",
                        help="the page path over the article-extraction benchmark's pages instead")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one_document_mb", type=float, help="clean one document this large, once")
    parser.add_argument("--ledger", choices=("on", "off"), default="off", help="with --one_document_mb")
    parser.add_argument("--off_only", action="store_true",
                        help="only the ledger off: the same work as a checkout from before the ledger does")
    args = parser.parse_args()
    if args.pages:
        page_path(args.pages, args.rounds, args.off_only)
        return
    if args.corpus is None:
        parser.error("--corpus is needed (or --pages)")
    if args.one_document_mb:
        one_document(args.corpus, args.one_document_mb, args.ledger == "on")
        return
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
