"""HTML pages: article F1 and pages per second of the pipeline against trafilatura alone.

    python bench/html_benchmark.py --benchmark ../shared/corpus/article_extraction_benchmark [--copies 10]
        [--rounds 5] [--compare_with OTHER_CHECKOUT]

On the benchmark's pages (``html/*.html.gz`` and ``ground-truth.json``), each in its own process:

  trafilatura            trafilatura.extract(favor_precision=True) alone, the best of its settings here
  trafilatura_default    trafilatura.extract() with its defaults
  page_path              the page path without Beam (HtmlReader: decode, parse, extract, metadata; then
                         Cleaner.clean with the bundled rules) over the pages, ROUNDS times, alternating in the
                         same process with ROUNDS trafilatura.extract(favor_precision=True) loops over the same pages
  pipeline               `python -m pipeline eval` end to end on Beam's in-process engine: F1 of the clean text
  pipeline_copies        `python -m pipeline run` on COPIES copies of the pages (new ids), for pages/s

With --compare_with (another checkout: its ``pipeline/`` and ``rules/``, e.g. ``git worktree add /tmp/main main``)
the last three also run on that checkout, each right after this one's, so that both meet the same machine; their
rows are named ``other_*``.

F1 is the benchmark's (pipeline.core.body_score). pages/s is per core: every measure runs on one core; the
trafilatura rows count their loop alone, the pipeline rows the whole process, start-up included. page_path
gives the median over its rounds of wall and CPU time and its ratio to the trafilatura loops of the same
process; it runs in 3 processes per checkout, alternating, and keeps the one of median ratio. On a shared
machine CPU time drifts less than wall time, so the ratios are given in both. Peak memory is that of the
process and its children, sampled from /proc.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import ROOT, bundled_cleaner, measure

# Processes of the page path per checkout: one process's ratio moves with the machine's load.
REPEATS = 3


def _pages(folder: Path) -> dict[str, bytes]:
    return {path.name.removesuffix(".html.gz"): gzip.decompress(path.read_bytes())
            for path in sorted(folder.glob("*.html.gz"))}


def extract_alone(pages: Path, favor_precision: bool, out: Path) -> None:
    import trafilatura
    documents = {page_id: data.decode("utf-8", "replace") for page_id, data in _pages(pages).items()}
    start, cpu = time.perf_counter(), time.process_time()
    predictions = {page_id: trafilatura.extract(html, favor_precision=favor_precision) or ""
                   for page_id, html in documents.items()}
    loop, loop_cpu = time.perf_counter() - start, time.process_time() - cpu
    out.write_text(json.dumps(predictions), encoding="utf-8")
    print(json.dumps({"loop_seconds": loop, "loop_cpu_seconds": round(loop_cpu, 3), "pages": len(documents)}))


def _timed(loop) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    loop()
    return time.perf_counter() - wall, time.process_time() - cpu


def page_path_against_trafilatura(pages: Path, rounds: int, checkout: Path) -> None:
    """Time the page path without Beam and trafilatura's loop, alternating, in this process; print JSON."""
    import trafilatura

    from pipeline.core.readers.base import ReadOptions
    from pipeline.core.readers.html import HtmlReader
    from pipeline.core.records import Rejected
    raw = _pages(pages)
    documents = [data.decode("utf-8", "replace") for data in raw.values()]
    reader, cleaner = HtmlReader(ReadOptions()), bundled_cleaner(checkout)

    def ours():
        for page_id, data in raw.items():
            with contextlib.suppress(Rejected):   # a page the job rejects (no article) costs its time all the same
                cleaner.clean(reader.article(f"{page_id}.html", data))

    def theirs():
        for html in documents:
            trafilatura.extract(html, favor_precision=True)

    ours(), theirs()   # warm-up: imports, caches, justext's stoplists
    times: dict[str, list[tuple[float, float]]] = {"page_path": [], "trafilatura": []}
    for _ in range(rounds):
        times["trafilatura"].append(_timed(theirs))
        times["page_path"].append(_timed(ours))
    report: dict[str, dict[str, float]] = {}
    for name, pairs in times.items():
        wall, cpu = statistics.median(w for w, _ in pairs), statistics.median(c for _, c in pairs)
        report[name] = {"median_wall_seconds": round(wall, 3), "median_cpu_seconds": round(cpu, 3),
                        "pages_per_s_wall": round(len(raw) / wall, 1), "pages_per_s_cpu": round(len(raw) / cpu, 1)}
    ratios = {"ratio_wall": round(report["page_path"]["pages_per_s_wall"] / report["trafilatura"]["pages_per_s_wall"], 2),
              "ratio_cpu": round(report["page_path"]["pages_per_s_cpu"] / report["trafilatura"]["pages_per_s_cpu"], 2)}
    print(json.dumps({"pages": len(raw), "rounds": rounds, **report, **ratios}))


def main() -> None:  # noqa: C901 (one branch per mode of the script, each a few lines)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--benchmark", type=Path, help="the benchmark folder (html/, ground-truth.json); required")
    parser.add_argument("--copies", type=int, default=10, help="copies of the pages for the pages/s run (default 10)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the page path and trafilatura (default 5)")
    parser.add_argument("--compare_with", type=Path, help="another checkout to measure alongside this one")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "html_results.json")
    parser.add_argument("--child", choices=["precise", "default", "page_path"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new temporary one)")
    args = parser.parse_args()
    if args.child == "page_path":
        page_path_against_trafilatura(args.benchmark / "html", args.rounds, Path.cwd())
        return
    if args.child:
        extract_alone(args.benchmark / "html", args.child == "precise", args.work / f"{args.child}.json")
        return
    if not args.benchmark or not (args.benchmark / "ground-truth.json").is_file():
        parser.error("--benchmark must name the benchmark folder (with html/ and ground-truth.json)")
    if args.compare_with and not (args.compare_with / "pipeline" / "__main__.py").is_file():
        parser.error(f"--compare_with {args.compare_with}: no pipeline/__main__.py there, not a checkout of this job")

    from pipeline.core.body_score import score_bodies
    truth = json.loads((args.benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted((args.benchmark / "html").glob("*.html.gz"))
    work = (args.work or Path(tempfile.mkdtemp(prefix="newsclean-html-bench-"))).resolve()
    copies = work / "copies"
    copies.mkdir(parents=True, exist_ok=True)
    for copy in range(args.copies):
        for path in pages:
            shutil.copy(path, copies / f"{copy}-{path.name}")
    benchmark = str(args.benchmark.resolve())
    me = [sys.executable, str(Path(__file__).resolve()), "--benchmark", benchmark, "--work", str(work)]
    beam = ["--runner=FnApiRunner", "--overwrite"]
    results = {}
    for name, child in (("trafilatura", "precise"), ("trafilatura_default", "default")):
        result = measure([*me, "--child", child])
        result["f1"] = score_bodies(json.loads((work / f"{child}.json").read_text(encoding="utf-8")), truth)["f1"]
        result["pages_per_s"] = round(result["pages"] / result["loop_seconds"], 1)
        results[name] = result
    # (prefix, folder, environment): `import pipeline` and `-m pipeline` resolve to the folder's package.
    checkouts: list[tuple[str, Path, dict[str, str] | None]] = [("", ROOT, None)]
    if args.compare_with:
        other = args.compare_with.resolve()
        checkouts.append(("other_", other, {**os.environ, "PYTHONPATH": str(other)}))
    # The page path REPEATS times per checkout, alternating: the run of median ratio is kept, with all the ratios.
    runs: dict[str, list[dict]] = {prefix: [] for prefix, _, _ in checkouts}
    for _ in range(REPEATS):
        for prefix, folder, env in checkouts:
            runs[prefix].append(measure([*me, "--child", "page_path", "--rounds", str(args.rounds)], folder, env))
    for prefix, found in runs.items():
        found.sort(key=lambda run: run["ratio_cpu"])
        results[f"{prefix}page_path"] = {**found[len(found) // 2], "ratios_wall": sorted(r["ratio_wall"] for r in found),
                                         "ratios_cpu": [r["ratio_cpu"] for r in found]}
    for prefix, folder, env in checkouts:
        result = measure([sys.executable, "-m", "pipeline", "eval", "--input", f"{benchmark}/html/*.html.gz",
                          "--gold", f"{benchmark}/ground-truth.json", "--output", str(work / f"{prefix}eval"), *beam],
                         folder, env)
        result["f1"] = json.loads((work / f"{prefix}eval" / "eval.json").read_text(encoding="utf-8"))["f1"]
        result["pages_per_s"] = round(len(pages) / result["wall_seconds"], 1)
        results[f"{prefix}pipeline"] = result
    for prefix, folder, env in checkouts:
        result = measure([sys.executable, "-m", "pipeline", "run", "--input", str(copies / "*.html.gz"),
                          "--output", str(work / f"{prefix}copies-out"), *beam], folder, env)
        result["pages_per_s"] = round(len(pages) * args.copies / result["wall_seconds"], 1)
        result["pages_per_cpu_s"] = round(len(pages) * args.copies / result["cpu_seconds"], 1)
        results[f"{prefix}pipeline_copies"] = result
    for name, result in results.items():
        print(f"{name}: {result}", file=sys.stderr)
    traf_cpu = results["trafilatura"]["loop_cpu_seconds"] / results["trafilatura"]["pages"]
    report = {"pages": len(pages), "copies": args.copies, "load_average_after": Path("/proc/loadavg").read_text().split()[:3],
              "results": results,
              "pipeline_f1_minus_trafilatura": round(results["pipeline"]["f1"] - results["trafilatura"]["f1"], 4),
              "page_path_speed_vs_trafilatura": results["page_path"]["ratio_wall"],
              "pipeline_speed_vs_trafilatura": round(results["pipeline_copies"]["pages_per_s"]
                                                     / results["trafilatura"]["pages_per_s"], 2),
              # The same in CPU time: the job's whole process (start-up included) against trafilatura's loop.
              "pipeline_cpu_speed_vs_trafilatura": round(results["pipeline_copies"]["pages_per_cpu_s"] * traf_cpu, 2)}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'measure':<26}{'F1':>8}{'pages/s':>9}{'wall s':>8}{'peak MB':>9}")
    for name, r in results.items():
        if name.endswith("page_path"):
            print(f"{name:<26}{'':>8}{r['page_path']['pages_per_s_wall']:>9}{r['wall_seconds']:>8}{r['peak_memory_mb']:>9}"
                  f"   trafilatura's loop in the same process {r['trafilatura']['pages_per_s_wall']} pages/s: "
                  f"{r['ratio_wall']}x (CPU time: {r['ratio_cpu']}x)")
        else:
            print(f"{name:<26}{r.get('f1', ''):>8}{r['pages_per_s']:>9}{r['wall_seconds']:>8}{r['peak_memory_mb']:>9}"
                  + (f"   {r['pages_per_cpu_s']} pages per CPU second" if "pages_per_cpu_s" in r else ""))
    print(f"page path / trafilatura, CPU time: {results['page_path']['ratios_cpu']}; whole job / trafilatura: "
          f"{report['pipeline_speed_vs_trafilatura']}x wall, {report['pipeline_cpu_speed_vs_trafilatura']}x CPU time; "
          f"load average after {' '.join(report['load_average_after'])}; report: {args.out}")


if __name__ == "__main__":
    main()
