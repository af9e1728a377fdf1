"""``newsclean run``: the job over the input, waited for unless it outlives this process (Dataflow) or the
launcher only submits it (the Flex Template)."""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import replace

from apache_beam.io.filesystems import FileSystems

from pipeline.beam.job import format_summary, run_job
from pipeline.beam.outputs import prepare_output_dir
from pipeline.beam.runners import outlives_launcher
from pipeline.commands.arguments import ProgressArgs, add_flag, add_progress_options, progress_lines
from pipeline.commands.options import RUN_OUTPUT_HELP, JobArgs, add_job_options, job_config, pipeline_options
from pipeline.core.terminal import shown

HELP = "clean articles into JSONL or Parquet"
TAKES_BEAM_OPTIONS = True


class Args(JobArgs, ProgressArgs):
    wait: bool


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_options(parser, RUN_OUTPUT_HELP, output_required=True)
    # A flag of the launch, not of the job: not in JobOptions nor in the Flex Template, whose launcher never waits.
    add_flag(parser, "--wait", "wait for a job that outlives this process (Dataflow, a remote job server) to finish "
                               "and print its summary; a job on any other runner is always waited for")
    add_progress_options(parser)


def main(args: Args, beam_args: list[str], launch_only: bool = False) -> int:
    """Run the job; ``launch_only``: submit it and return, never wait."""
    config = job_config(args)
    options = pipeline_options(args, beam_args)
    prepare_output_dir(args.output, args.overwrite, args.input)
    wait = not launch_only and (args.wait or not outlives_launcher(options))
    with progress_lines(args, args.input, options) if wait else contextlib.nullcontext() as progress:
        result, summary = run_job(replace(config, progress=progress), options, wait=wait)
    if summary is None:
        job_id = getattr(result, "job_id", None)
        print(f"job submitted{f' (id {shown(job_id())})' if callable(job_id) and job_id() else ''}; it writes "
              f"{FileSystems.join(args.output, 'summary.json')} when it finishes")
        return 0
    print(shown(format_summary(summary), lines=True))
    print(f"output: {args.output}")
    return 0
