#!/usr/bin/env python
"""Count the lines a cleaned corpus still repeats within a site: the furniture left, before and after rules.

    python tools/repeated_lines.py INPUT_GLOB [--rules PATH]... [--by site|FIELD] [--min_docs 5]
                                   [--min_share 0.05] [--max_sites 3] [--show 10]

Each input is read with the job's readers and cleaned with pipeline.core.clean.Cleaner and the rules (bundled,
then --rules). Pages are grouped by URL host (or a JSONL field, --by); a line is *repeated* in a site when
the exact same line (no generalisation of numbers, unlike ``mine``) is on at least --min_docs of its pages and
--min_share of them (``pipeline.core.site_repeat.is_repeated``, as ``run --site_boilerplate`` counts). Lines whose
text is on the pages of --max_sites sites or more are counted apart, as cross-site (wire copy, quotes): ``mine``
leaves them alone on purpose. Prints, per site with repeated lines and in total, the distinct repeated lines and
their occurrences, then the most frequent lines left.
"""
from __future__ import annotations

import argparse
import glob
import sys
from collections import Counter, defaultdict

from pipeline.beam.rule_files import bundled_rules_dir, load_rules
from pipeline.core.clean import Cleaner
from pipeline.core.dedup import exact_key
from pipeline.core.mine.tally import BY_SITE, host_of
from pipeline.core.readers import ReadOptions, detect_format, read_records
from pipeline.core.records import Article, Rejected
from pipeline.core.site_repeat import SiteRepeatOptions, is_repeated, page_lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--rules", action="append", default=[])
    parser.add_argument("--by", default=BY_SITE)
    parser.add_argument("--min_docs", type=int, default=5)
    parser.add_argument("--min_share", type=float, default=0.05)
    parser.add_argument("--max_sites", type=int, default=3)
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args(argv)
    cleaner = Cleaner(load_rules([bundled_rules_dir(), *args.rules]))
    pages: dict[str, set[str]] = defaultdict(set)             # site: text keys
    line_pages: dict[tuple[str, str], set[str]] = defaultdict(set)   # (site, line): text keys
    line_sites: dict[str, set[str]] = defaultdict(set)
    for pattern in args.inputs:
        paths = sorted(glob.glob(pattern, recursive=True))
        if not paths:
            sys.exit(f"no file matches {pattern}")
        for path in paths:
            with open(path, "rb") as stream:
                for record, _ in read_records(stream, path, detect_format(path), ReadOptions()):
                    if not isinstance(record, Article):
                        continue
                    try:
                        clean = cleaner.clean(record)
                    except Rejected:
                        continue
                    value = host_of(clean.url) if args.by == BY_SITE else clean.metadata.get(args.by)
                    if not isinstance(value, str) or not value:
                        continue
                    key = exact_key(clean.text)
                    pages[value].add(key)
                    for line in page_lines(clean.text):
                        line_pages[value, line].add(key)
                        line_sites[line].add(value)
    # The job's --site_boilerplate test, without its guard of the page's edges: this counts every repeated line.
    options = SiteRepeatOptions(min_pages=args.min_docs, min_share=args.min_share)
    per_site: dict[str, Counter] = defaultdict(Counter)
    left: Counter = Counter()
    for (site, line), keys in line_pages.items():
        if not is_repeated(len(keys), len(pages[site]), options):
            continue
        kind = "cross_site" if len(line_sites[line]) >= args.max_sites else "site"
        per_site[site][f"{kind}_lines"] += 1
        per_site[site][f"{kind}_occurrences"] += len(keys)
        if kind == "site":
            left[site, line] = len(keys)
    total: Counter = Counter()
    print(f"{'site':32} {'pages':>6} {'lines':>6} {'on pages':>9} {'cross-site lines':>17} {'on pages':>9}")
    for site in sorted(per_site, key=lambda s: -per_site[s]["site_occurrences"]):
        counts = per_site[site]
        total += counts
        print(f"{site[:32]:32} {len(pages[site]):6d} {counts['site_lines']:6d} {counts['site_occurrences']:9d} "
              f"{counts['cross_site_lines']:17d} {counts['cross_site_occurrences']:9d}")
    print(f"{'total':32} {sum(len(p) for p in pages.values()):6d} {total['site_lines']:6d} "
          f"{total['site_occurrences']:9d} {total['cross_site_lines']:17d} {total['cross_site_occurrences']:9d}")
    print("most repeated lines left (pages, site, line):")
    for (site, line), count in left.most_common(args.show):
        print(f"  {count:5d}  {site}  {line[:100]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
