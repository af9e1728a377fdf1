"""Print sampled near-duplicate pairs from a run's output, side by side, for review by hand.

    python tools/sample_near_duplicates.py OUT_DIR [--n 30] [--seed 17] [--match near] [--chars 400]

Reads OUT_DIR's duplicates-*.jsonl and clean-*.jsonl (a run with ``--dedup near``), samples N duplicates of the
given match kind with a fixed seed (the same pairs on every call), and prints each with the article it points
at: ids, files, estimated similarity, headlines, the start of both texts and the words only one of them has.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

# Run as a script from the repository: the package is one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.beam.outputs import CLEAN, DUPLICATES, read_output
from pipeline.core.dedup import fold


def record_key(record: dict) -> tuple:
    line = record.get("line")
    return (record["id"], record["input_file"], -1 if line is None else line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output_dir")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--match", choices=("near", "exact"), default="near")
    parser.add_argument("--chars", type=int, default=400, help="characters of each text to print")
    args = parser.parse_args()

    duplicates = read_output(args.output_dir, DUPLICATES)
    # A duplicate may point at another duplicate (a chain), so look targets up in both outputs.
    by_key = {record_key(r): r for r in read_output(args.output_dir, CLEAN) + duplicates}
    pool = sorted((r for r in duplicates if r["match"] == args.match), key=record_key)
    sample = random.Random(args.seed).sample(pool, min(args.n, len(pool)))
    print(f"{len(pool)} {args.match} duplicates in {args.output_dir}; {len(sample)} sampled (seed {args.seed})\n")
    for number, duplicate in enumerate(sample, 1):
        line = duplicate.get("duplicate_of_line")
        target = by_key[(duplicate["duplicate_of"], duplicate["duplicate_of_input_file"], -1 if line is None else line)]
        only_dup = set(fold(duplicate["text"])) - set(fold(target["text"]))
        only_target = set(fold(target["text"])) - set(fold(duplicate["text"]))
        print(f"=== {number}. similarity {duplicate['similarity']}")
        for label, record in (("KEPT", target), ("DUP ", duplicate)):
            print(f"{label} {record['id']} ({record['input_file']}:{record.get('line') or ''})")
            print(f"     title: {record['title']}")
            print("     " + record["text"][:args.chars].replace("\n", " / "))
        print(f"     words only in KEPT ({len(only_target)}): {' '.join(sorted(only_target)[:25])}")
        print(f"     words only in DUP ({len(only_dup)}): {' '.join(sorted(only_dup)[:25])}\n")


if __name__ == "__main__":
    main()
