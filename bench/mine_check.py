#!/usr/bin/env python
"""End-to-end check of ``python -m pipeline mine`` on real corpora: mine, test the drafts, then measure them.

Usage:
    python bench/mine_check.py --corpus CORPUS.jsonl [--corpus ...] --bbc 'BBC_GLOB' --labelled SAMPLE.jsonl
                               --output DIR [Beam options]

Mines each corpus into DIR/drafts-N (``--runner=FnApiRunner`` unless a runner is given), runs
``rules test`` on all drafts, then with the drafts added by ``--rules``: ``bench/content_guard.py`` on the
clean BBC articles (must report 0 changed documents), ``bench/score_labelled.py`` on the labelled sample
before and after (content kept must stay >= 0.999), and ``tools/repeated_lines.py`` on each corpus before
and after (the furniture left). Prints each command and the lines of its output that hold the numbers.
Exits 1 when a check fails.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> tuple[int, str]:
    print("$ " + " ".join(args[1:] if args[0] == sys.executable else args), flush=True)
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", required=True)
    parser.add_argument("--bbc", required=True)
    parser.add_argument("--labelled", required=True)
    parser.add_argument("--output", required=True)
    args, beam_args = parser.parse_known_args(argv)
    beam_args = beam_args or ["--runner=FnApiRunner"]
    python = sys.executable
    failed = False
    drafts = []
    for number, corpus in enumerate(args.corpus, 1):
        folder = str(Path(args.output) / f"drafts-{number}")
        code, out = run([python, "-m", "pipeline", "mine", "--input", corpus, "--output", folder, "--overwrite",
                         *beam_args])
        print("\n".join(out.strip().split("\n")[-2:-1]) if code == 0 else out)
        failed |= code != 0
        drafts.append(folder)
    rules = [flag for folder in drafts for flag in ("--rules", folder)]
    code, out = run([python, "-m", "pipeline", "rules", "test", *drafts])
    print(out.strip().split("\n")[-1])
    failed |= code != 0
    code, out = run([python, "bench/content_guard.py", args.bbc, *rules, "--show", "0"])
    print(next(line for line in out.split("\n") if "documents changed" in line))
    failed |= code != 0
    for extra in ([], rules):
        code, out = run([python, "bench/score_labelled.py", args.labelled, *extra])
        row = next(line for line in out.split("\n") if line.startswith("| all "))
        print(row)
        kept = float(row.split("|")[6])
        failed |= code != 0 or kept < 0.999
    for corpus in args.corpus:
        for extra in ([], rules):
            code, out = run([python, "tools/repeated_lines.py", corpus, *extra, "--show", "5"])
            print(next(line for line in out.split("\n") if re.match(r"total ", line)))
            failed |= code != 0
    print("FAILED" if failed else "all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
