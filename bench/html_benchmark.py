"""HTML pages: article F1 and pages per second of the whole pipeline against trafilatura alone.

    python bench/html_benchmark.py --benchmark ../shared/corpus/article_extraction_benchmark [--copies 4]

On the benchmark's pages (``html/*.html.gz`` and ``ground-truth.json``), each in its own process:

  trafilatura            trafilatura.extract(favor_precision=True) alone, the best of its settings here
  trafilatura_default    trafilatura.extract() with its defaults
  pipeline               `python -m pipeline eval` end to end on Beam's in-process engine: F1 of the clean text
  pipeline_copies        `python -m pipeline run` on COPIES copies of the pages (new ids), for pages/s

F1 is the benchmark's (pipeline.body_score). pages/s is per core: every measure runs on one core; the
trafilatura rows count their loop alone, the pipeline rows the whole process, start-up included. Peak
memory is that of the process and its children, sampled from /proc.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import ROOT, measure  # noqa: E402  (the same process and memory measurement)


def extract_alone(pages: Path, favor_precision: bool, out: Path) -> None:
    import trafilatura
    documents = {path.name.removesuffix(".html.gz"): gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
                 for path in sorted(pages.glob("*.html.gz"))}
    start = time.perf_counter()
    predictions = {page_id: trafilatura.extract(html, favor_precision=favor_precision) or ""
                   for page_id, html in documents.items()}
    loop = time.perf_counter() - start
    out.write_text(json.dumps(predictions), encoding="utf-8")
    print(json.dumps({"loop_seconds": loop, "pages": len(documents)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--benchmark", type=Path, help="the benchmark folder (html/, ground-truth.json); required")
    parser.add_argument("--copies", type=int, default=4, help="copies of the pages for the pages/s run (default 4)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "html_results.json")
    parser.add_argument("--child", choices=["precise", "default"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new temporary one)")
    args = parser.parse_args()
    if args.child:
        extract_alone(args.benchmark / "html", args.child == "precise", args.work / f"{args.child}.json")
        return
    if not args.benchmark or not (args.benchmark / "ground-truth.json").is_file():
        parser.error("--benchmark must name the benchmark folder (with html/ and ground-truth.json)")

    from pipeline.body_score import score_bodies
    truth = json.loads((args.benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted((args.benchmark / "html").glob("*.html.gz"))
    work = args.work or Path(tempfile.mkdtemp(prefix="newsclean-html-bench-"))
    copies = work / "copies"
    copies.mkdir(parents=True, exist_ok=True)
    for copy in range(args.copies):
        for path in pages:
            shutil.copy(path, copies / f"{copy}-{path.name}")
    me = [sys.executable, str(Path(__file__).resolve()), "--benchmark", str(args.benchmark), "--work", str(work)]
    beam = ["--runner=FnApiRunner", "--overwrite"]
    results = {}
    for name, child in (("trafilatura", "precise"), ("trafilatura_default", "default")):
        result = measure([*me, "--child", child])
        result["f1"] = score_bodies(json.loads((work / f"{child}.json").read_text(encoding="utf-8")), truth)["f1"]
        result["pages_per_s"] = round(result["pages"] / result["loop_seconds"], 1)
        results[name] = result
    result = measure([sys.executable, "-m", "pipeline", "eval", "--input", str(args.benchmark / "html" / "*.html.gz"),
                      "--gold", str(args.benchmark / "ground-truth.json"), "--output", str(work / "eval"), *beam])
    result["f1"] = json.loads((work / "eval" / "eval.json").read_text(encoding="utf-8"))["f1"]
    result["pages_per_s"] = round(len(pages) / result["wall_seconds"], 1)
    results["pipeline"] = result
    result = measure([sys.executable, "-m", "pipeline", "run", "--input", str(copies / "*.html.gz"),
                      "--output", str(work / "copies-out"), *beam])
    result["pages_per_s"] = round(len(pages) * args.copies / result["wall_seconds"], 1)
    results["pipeline_copies"] = result
    for name, result in results.items():
        print(f"{name}: {result}", file=sys.stderr)
    report = {"pages": len(pages), "copies": args.copies, "results": results,
              "pipeline_f1_minus_trafilatura": round(results["pipeline"]["f1"] - results["trafilatura"]["f1"], 4),
              "pipeline_speed_vs_trafilatura": round(results["pipeline_copies"]["pages_per_s"]
                                                     / results["trafilatura"]["pages_per_s"], 2)}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'measure':<22}{'F1':>8}{'pages/s':>9}{'wall s':>8}{'peak MB':>9}")
    for name, r in results.items():
        print(f"{name:<22}{r.get('f1', ''):>8}{r['pages_per_s']:>9}{r['wall_seconds']:>8}{r['peak_memory_mb']:>9}")
    print(f"report: {args.out}")


if __name__ == "__main__":
    main()
