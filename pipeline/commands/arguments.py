"""The command line's value types and the flags two commands share: each defined once, for every parser.

A type raises ``argparse.ArgumentTypeError`` with what was wrong, so a bad value stops a command before any data
is read (exit 2, naming the flag). The Flex Template metadata maps each type to a pattern (pipeline.commands.flex_template).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.runners import runs_locally
from pipeline.core.dedup import MAX_THRESHOLD, NUM_PERM
from pipeline.core.language import parse_languages
from pipeline.core.progress import DEFAULT_INTERVAL_SECONDS, ProgressTarget, reporting


def positive_float(value: str) -> float:
    number = float(value)
    # nan compares false with everything, so "<= 0" alone would let it (and inf) through.
    if not (math.isfinite(number) and number > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number greater than 0, got {value}")
    return number


def positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return number


def share(value: str) -> float:
    number = float(value)
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f"must be greater than 0 and at most 1, got {value}")
    return number


def dedup_threshold(value: str) -> float:
    """``--dedup_threshold``: a share the near-duplicate LSH can honour with its {NUM_PERM} permutations."""
    number = float(value)
    if not 0 < number <= MAX_THRESHOLD:
        raise argparse.ArgumentTypeError(f"must be greater than 0 and at most {MAX_THRESHOLD} (MinHash LSH with "
                                         f"{NUM_PERM} permutations has no bands above it), got {value}")
    return number


def site_pages(value: str) -> int:
    """``--site_boilerplate``: 0 (off) or a number of pages of at least 2; on one page every line is "repeated"."""
    number = int(value)
    if number != 0 and number < 2:
        raise argparse.ArgumentTypeError(f"must be 0 (off) or at least 2 pages, got {value}")
    return number


def boolean(value: str) -> bool:
    if value.lower() in ("true", "yes", "1"):
        return True
    if value.lower() in ("false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError(f"must be true or false, got {value}")


def add_flag(parser: argparse.ArgumentParser, name: str, help: str) -> None:
    # "--flag" alone means true; "--flag=false" also parses, because a Dataflow Flex
    # Template passes every parameter as --name=value.
    parser.add_argument(name, type=boolean, nargs="?", const=True, default=False, metavar="true|false", help=help)


def language_list(value: str) -> tuple[str, ...]:
    """--languages: checked against the model's codes here, so a wrong one stops the run before any data is read."""
    try:
        return parse_languages(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def path_list(value: str) -> list[str]:
    return [path for path in value.split(",") if path]


class ProgressArgs(argparse.Namespace):
    """What :func:`add_progress_options` parses."""
    quiet: bool
    progress_every: float


def add_progress_options(parser: argparse.ArgumentParser) -> None:
    """Flags of the launcher, not of the job: a remote runner's console shows the same counts."""
    add_flag(parser, "--quiet", "no progress lines on stderr while the command works (a job: on a local runner)")
    parser.add_argument("--progress_every", type=positive_float, default=DEFAULT_INTERVAL_SECONDS, metavar="SECONDS",
                        help=f"seconds between progress lines (default {DEFAULT_INTERVAL_SECONDS:g})")


def progress_lines(args: ProgressArgs, input_pattern: str, options: PipelineOptions
                   ) -> contextlib.AbstractContextManager[ProgressTarget | None]:
    """Progress lines on stderr while the block runs a job over ``input_pattern`` on a local runner; none with
    --quiet, and none for a remote runner (its workers cannot write to this machine; Dataflow shows the job's
    counters)."""
    if args.quiet or not runs_locally(options):
        return contextlib.nullcontext()
    return reporting(args.progress_every, len(FileSystems.match([input_pattern])[0].metadata_list), sys.stderr)
