"""The removal ledger's size and the ``report`` command's peak memory on a run with many removals; ``explain``'s
time on one document with many.

    python bench/report_memory.py --work /tmp/report-memory [--documents 6400] [--removals 100]
    python bench/report_memory.py --work /tmp/report-memory-old --checkout /path/to/other/checkout
    python bench/report_memory.py --work /tmp/explain --explain 10000 20000 40000 80000

Writes a JSONL file of ``--documents`` generated articles, each with ``--removals`` lines the bundled rules
remove (advertisement and comment-widget lines between short paragraphs), runs the job on it with ``--ledger``
(FnApiRunner), then ``report`` on the run in a process of its own, and prints the ledger's size, the report's
size, its time and its process's peak resident memory. With ``--hostile``, one document instead, with a 1 MB
id, a 1 MB URL and ``--removals`` removals (issue 25, case 5). ``--checkout`` runs the job and the report of
another checkout (its ``pipeline`` package) on the same input, to compare with the ledger format before.
With ``--explain N ...``, one generated document with N removals each, and ``explain`` on it (its output to a
file): seconds and peak memory per N, to see that it grows linearly.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

CRUFT = ["Advertisement", "Loading comments..."]
# The report in a process of its own, printing its peak resident memory (KiB on Linux) last.
REPORT = ("import resource, sys\nfrom pipeline.commands.cli import main\ncode = main(['report', sys.argv[1]])\n"
          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)\n")


def article(number: int, removals: int) -> str:
    paragraphs = [f"Paragraph {i} of story {number}: the council counted the votes at night." for i in range(removals)]
    return f"Story {number} on the council budget\n\n" + "\n\n".join(
        f"{paragraph}\n\n{CRUFT[i % 2]}" for i, paragraph in enumerate(paragraphs))


def write_input(path: Path, documents: int, removals: int, hostile: bool) -> None:
    with path.open("w", encoding="utf-8") as out:
        if hostile:
            record = {"id": "i" * 1_000_000, "url": "https://example.com/" + "p" * 1_000_000,
                      "text": article(0, removals)}
            out.write(json.dumps(record) + "\n")
            return
        for number in range(documents):
            out.write(json.dumps({"id": f"doc-{number}", "text": article(number, removals)}) + "\n")


def explain_rows(work: Path, checkout: Path, sizes: list[int]) -> None:
    for size in sizes:
        source = work / f"explain-{size}.jsonl"
        write_input(source, 1, size, hostile=False)
        command = ("import resource, sys\nfrom pipeline.commands.cli import main\nsys.stdout = open(sys.argv[2], 'w')\n"
                   "code = main(['explain', '--input', sys.argv[1], '--color', 'never'])\n"
                   "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)\n")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", command, str(source), str(work / f"explain-{size}.txt")],
                              cwd=checkout, capture_output=True, text=True)
        if done.returncode:
            sys.exit(done.stderr)
        print(json.dumps({"checkout": str(checkout), "removals": size,
                          "explain_seconds": round(time.perf_counter() - started, 1),
                          "explain_peak_mb": round(int(done.stderr.split()[-1]) / 1024)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="a folder for the input, the run and the report")
    parser.add_argument("--documents", type=int, default=6400)
    parser.add_argument("--removals", type=int, default=100, help="removals per document")
    parser.add_argument("--hostile", action="store_true", help="one document with a 1 MB id and URL")
    parser.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--explain", type=int, nargs="+", metavar="N", help="explain one document of N removals")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.explain:
        explain_rows(args.work, args.checkout, args.explain)
        return
    source, out = args.work / "input.jsonl", args.work / "run"
    write_input(source, args.documents, args.removals, args.hostile)
    run = [sys.executable, "-m", "pipeline", "run", "--input", str(source), "--output", str(out), "--ledger",
           "--runner=FnApiRunner", "--quiet"]
    subprocess.run(run, cwd=args.checkout, check=True, stdout=subprocess.DEVNULL)
    ledger = sum(path.stat().st_size for path in out.glob("removed-*"))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", REPORT, str(out)], cwd=args.checkout, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(done.stderr)
    peak_kib = int(done.stderr.split()[-1])
    page = (out / "report.html").stat().st_size
    print(json.dumps({"checkout": str(args.checkout), "input_mb": round(source.stat().st_size / 1e6, 1),
                      "ledger_mb": round(ledger / 1e6, 1), "report_mb": round(page / 1e6, 2),
                      "report_seconds": round(seconds, 1), "report_peak_mb": round(peak_kib / 1024)}))


if __name__ == "__main__":
    main()
