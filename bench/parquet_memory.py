"""Peak memory of the job on a hostile Parquet file: many rows of one long, very compressible value.

    python bench/parquet_memory.py --out /tmp/parquet_memory [--rows 40] [--mb 50] [--dictionary]

Writes OUT/hostile.parquet (``--rows`` rows whose text is ``--mb`` MB of one letter, zstd, one row group;
dictionary-encoded with ``--dictionary``, plain otherwise), then runs ``python -m pipeline run`` on it in a child
process on the FnApiRunner and prints the file's size, the job's peak resident memory (``wait4`` of that one
child) and its summary. Writing the plain file takes about rows x mb of memory, so it is written by a child of
its own: a job forked from a process that held it would report that process's peak.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write(path: Path, rows: int, megabytes: int, dictionary: bool) -> None:
    text = "x" * (megabytes * 1_000_000)
    table = pa.table({"id": [f"row-{n}" for n in range(rows)], "text": [text] * rows})
    del text
    pq.write_table(table, path, compression="zstd", use_dictionary=dictionary, row_group_size=rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--dictionary", action="store_true")
    parser.add_argument("--write_only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "hostile.parquet"
    if args.write_only:
        write(source, args.rows, args.mb, args.dictionary)
        return
    subprocess.run([sys.executable, __file__, *sys.argv[1:], "--write_only"], check=True)
    output = folder / "run"
    job = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--input", str(source), "--output", str(output),
                            "--overwrite", "--runner=FnApiRunner"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(job.pid, 0)
    if status:
        raise SystemExit(f"the job failed: wait status {status}")
    peak_mb = usage.ru_maxrss / 1024   # kilobytes on Linux
    summary = json.loads((output / "summary.json").read_text())
    print(json.dumps({"file_kb": round(source.stat().st_size / 1024, 1), "rows": args.rows, "mb_per_row": args.mb,
                      "dictionary": args.dictionary, "peak_rss_mb": round(peak_mb), "documents": summary["documents"],
                      "rejected_by_reason": summary["rejected_by_reason"]}, indent=2))


if __name__ == "__main__":
    main()
