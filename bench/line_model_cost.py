#!/usr/bin/env python
"""What the line model costs (``--line_model on``) on every distinct scraped article in one file (36 MB).

Usage:
    python bench/line_model_cost.py --corpus ../shared/corpus [--work DIR] [--out bench/line_model.json]

The core (``Cleaner.clean`` over the texts) with the model off and on and ftfy's ``fix_text`` loop, interleaved,
best of 3; then the job end to end (``python -m pipeline run``, FnApiRunner, start-up included) with
``--line_model off`` and ``on``, alternated, best of 2. Also what the model removed there: documents and lines.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from benchmark import _articles, _ftfy_loop, _interleaved, _texts, build_single_file, bundled_rules, measure

from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.records import Rejected

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=HERE / "line_model.json")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="line-model-bench-"))
    single = work / "input" / "articles.jsonl"
    documents, text_bytes = build_single_file(args.corpus, 1, single)
    records = _texts(single.parent)
    articles = _articles(records)
    rules = bundled_rules()
    cleaners = {"core_off": Cleaner(rules), "core_on": Cleaner(rules, CleanOptions(line_model=True))}
    removed = {"documents": 0, "lines": 0, "held_back": 0}

    def core(cleaner: Cleaner, count: bool):
        def loop():
            for article in articles:
                try:
                    stats = cleaner.clean(article).stats
                except Rejected:
                    continue
                if count:
                    removed["documents"] += bool(stats.get("line_model_lines"))
                    removed["lines"] += stats.get("line_model_lines", 0)
                    removed["held_back"] += bool(stats.get("line_model_held_back"))
        return loop

    core(cleaners["core_on"], count=True)()   # once to count what it removes (and to warm both alike below)
    times = _interleaved({"ftfy_loop": _ftfy_loop(records), "core_off": core(cleaners["core_off"], False),
                          "core_on": core(cleaners["core_on"], False)}, rounds=3)
    best = {name: min(values) for name, values in times.items()}
    run = [sys.executable, "-m", "pipeline", "run", "--runner=FnApiRunner", "--overwrite", "--input", str(single)]
    jobs: dict[str, list[dict]] = {"job_off": [], "job_on": []}
    for _ in range(2):
        for name, flag in (("job_off", "off"), ("job_on", "on")):
            jobs[name].append(measure([*run, "--line_model", flag, "--output", str(work / name)]))
    wall = {name: min(r["wall_seconds"] for r in runs) for name, runs in jobs.items()}
    report = {
        "input": {"documents": documents, "text_mb": round(text_bytes / 1e6, 1)},
        "load_average_after": Path("/proc/loadavg").read_text().split()[:3],
        "removed_with_line_model_on": removed,
        "core_seconds": {name: [round(value, 2) for value in values] for name, values in times.items()},
        "core_on_over_off": round(best["core_on"] / best["core_off"], 3),
        "core_off_vs_ftfy": round(best["ftfy_loop"] / best["core_off"], 2),
        "core_on_vs_ftfy": round(best["ftfy_loop"] / best["core_on"], 2),
        "job_wall_seconds": {name: round(value, 2) for name, value in wall.items()},
        "job_on_over_off": round(wall["job_on"] / wall["job_off"], 3),
        "jobs": jobs,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "jobs"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
