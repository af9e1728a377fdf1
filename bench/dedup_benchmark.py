"""What duplicate detection costs: documents per second and peak memory with --dedup off, exact and near.

    python bench/dedup_benchmark.py --corpus ../shared/corpus [--out bench/dedup_results.json]

Runs `python -m pipeline run` on Beam's in-process engine (FnApiRunner), each run in its own process, on two
inputs taken as they are (no repeated copies, which would be duplicates themselves): the scraped corpora's
JSONL files, and the BBC text files (one article per file). Documents per second count every document read per
wall-clock second of the whole process, start-up included; the cost of a mode is its extra seconds over
``off`` divided by the documents read. Peak memory is that of the process and its children (bench/benchmark.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import ROOT, measure

MODES = ("off", "exact", "near")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus folder (../shared/corpus)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "dedup_results.json")
    args = parser.parse_args()
    inputs = {
        "scraped": str(args.corpus / "*" / "articles.jsonl"),  # the four JSONL files of bench/benchmark.py's SOURCES
        "bbc": str(args.corpus / "bbc_fulltext" / "bbc" / "*" / "*.txt"),
    }
    work = Path(tempfile.mkdtemp(prefix="newsclean-dedup-bench-"))
    results: dict = {}
    for name, pattern in inputs.items():
        results[name] = {}
        for mode in MODES:
            output = work / f"{name}-{mode}"
            result = measure([sys.executable, "-m", "pipeline", "run", "--runner=FnApiRunner", "--overwrite",
                              "--input", pattern, "--output", str(output), "--dedup", mode])
            summary = json.loads((output / "summary.json").read_text())
            read = summary["documents"]["read"]
            result.update(documents=read, duplicates=summary["documents"]["duplicates"],
                          docs_per_s=round(read / result["wall_seconds"], 1))
            results[name][mode] = result
            print(f"{name} {mode}: {result}", file=sys.stderr)
        off = results[name]["off"]
        for mode in MODES[1:]:
            extra = results[name][mode]["wall_seconds"] - off["wall_seconds"]
            results[name][mode]["extra_ms_per_doc"] = round(1000 * extra / off["documents"], 3)
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "results": results}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'input':<9}{'mode':<7}{'docs':>7}{'dups':>6}{'wall s':>8}{'docs/s':>8}{'+ms/doc':>9}{'peak MB':>9}")
    for name, modes in results.items():
        for mode, r in modes.items():
            print(f"{name:<9}{mode:<7}{r['documents']:>7}{r['duplicates']:>6}{r['wall_seconds']:>8}{r['docs_per_s']:>8}"
                  f"{r.get('extra_ms_per_doc', ''):>9}{r['peak_memory_mb']:>9}")
    print(f"report: {args.out}")


if __name__ == "__main__":
    main()
