"""``python -m pipeline report OUT_DIR``: one self-contained HTML page about a run made with ``--ledger``.

``runs`` reads a run's outputs back and computes what the page shows, ``compare`` what changed between two
runs over the same input (``--compare OTHER_OUT_DIR``), ``html`` draws the page.
"""

from __future__ import annotations

import argparse
import sys

from apache_beam.io.filesystems import FileSystems

from pipeline.beam.outputs import REPORT_FILE
from pipeline.commands.arguments import ProgressArgs, add_progress_options
from pipeline.commands.report.compare import compare
from pipeline.commands.report.html import render
from pipeline.commands.report.runs import ReportError, load_run
from pipeline.core.progress import ProgressFile, reporting

__all__ = ["HELP", "REPORT_FILE", "TAKES_BEAM_OPTIONS", "Args", "ReportError", "add_arguments", "main", "write_report"]

HELP = "write a self-contained HTML report of a run (needs run --ledger)"
TAKES_BEAM_OPTIONS = False


class Args(ProgressArgs):
    output_dir: str
    compare: str | None
    to: str | None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("output_dir", metavar="OUT_DIR", help="the --output folder of a run made with --ledger")
    parser.add_argument("--compare", metavar="OTHER_OUT_DIR",
                        help="a run over the same input with other rules (also --ledger): show what changed")
    parser.add_argument("--to", metavar="PATH", help=f"where to write the page (default OUT_DIR/{REPORT_FILE})")
    add_progress_options(parser)


def write_report(output_dir: str, other_dir: str | None = None, path: str | None = None,
                 progress: ProgressFile | None = None) -> str:
    """Write the report of the run in ``output_dir`` (compared with ``other_dir``), counting what it reads in
    ``progress``; return its path."""
    run = load_run(output_dir, progress)
    comparison = compare(load_run(other_dir, progress), run) if other_dir else None
    path = path or FileSystems.join(output_dir, REPORT_FILE)
    page = render(run, comparison).encode("utf-8")
    try:
        with FileSystems.create(path, mime_type="text/html") as out:
            out.write(page)
    except OSError as error:   # Beam's BeamIOError is one too
        raise ReportError(f"cannot write the report to {path}: {error}") from None
    return path


def main(args: Args, _beam_args: list[str]) -> int:
    """With progress lines on stderr (``--quiet``, ``--progress_every``: the job's own flags) while it reads."""
    if args.quiet:
        print(f"report: {write_report(args.output_dir, args.compare, args.to)}")
        return 0
    # Shards, not input files: a report reads each run's outputs, --compare some of them twice.
    with reporting(args.progress_every, None, sys.stderr, ("records", "shards")) as target:
        progress = ProgressFile(target)
        try:
            path = write_report(args.output_dir, args.compare, args.to, progress)
        finally:
            progress.write()   # the last line has every record read
    print(f"report: {path}")
    return 0
