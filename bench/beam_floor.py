#!/usr/bin/env python
"""What any Beam job costs here before it does work: a pipeline that reads one small file, maps and writes.

    python bench/beam_floor.py [--rounds 3]

Runs that pipeline on the DirectRunner's FnApiRunner with --direct_running_mode=multi_processing and one, then
two, worker processes, each in a fresh Python process (as ``bench/benchmark.py --workers`` runs the job), and
prints the wall seconds of each. The two-worker figure is a floor under the job's fixed cost with two workers:
it bounds the speed-up two workers can give on a file of a given size (BENCHMARKS.md).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PIPELINE = """
import sys
import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
source, target, workers = sys.argv[1:4]
options = PipelineOptions(["--runner=FnApiRunner", f"--direct_num_workers={workers}",
                           "--direct_running_mode=multi_processing"])
with beam.Pipeline(options=options) as pipeline:
    pipeline | beam.io.ReadFromText(source) | beam.Map(len) | beam.io.WriteToText(target)
"""
SOURCE = Path(__file__).resolve().parent.parent / "fixtures" / "raw" / "wire.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        for round_ in range(1, args.rounds + 1):
            for workers in (1, 2):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-c", PIPELINE, str(SOURCE), f"{work}/out-{round_}-{workers}",
                                str(workers)], check=True, capture_output=True)
                print(f"round {round_}, {workers} worker(s): {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
