"""``newsclean eval``: the job on raw articles, its clean output scored against gold answers (the scored set's
JSONL, or the article-extraction benchmark's ground truth)."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from apache_beam.io.filesystems import FileSystems

from pipeline.beam.job import run_job
from pipeline.beam.outputs import CLEAN, EVAL_FILE, prepare_output_dir, read_output, write_atomically
from pipeline.beam.writers import JsonlWriter
from pipeline.commands.options import ConfigError, JobArgs, add_job_options, job_config, pipeline_options
from pipeline.core.body_score import format_body_report, score_bodies
from pipeline.core.evaluate import format_report, score
from pipeline.core.terminal import shown

HELP = "run the job on raw articles and score it against gold answers"
TAKES_BEAM_OPTIONS = True


class Args(JobArgs):
    gold: str
    kinds: str | None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_options(parser, f"where the job's outputs and {EVAL_FILE} go (default: a new temporary folder)",
                    output_required=False)
    parser.add_argument("--gold", required=True, help="JSONL of {id, title, text} answers, or the article-extraction "
                                                      "benchmark's ground truth: one JSON {id: {articleBody}}")
    parser.add_argument("--kinds", help="JSON {id: [cruft kinds]} to score per kind (default: kinds.json beside --gold)")


def _kinds(args: Args) -> dict:
    path = Path(args.kinds) if args.kinds else Path(args.gold).with_name("kinds.json")
    if args.kinds and not path.is_file():
        raise ConfigError(f"--kinds {args.kinds} is not a file")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _article_bodies(gold_files: list[str]) -> dict | None:
    """The benchmark's ground truth, ``{id: {"articleBody": ...}}`` in one JSON file; None for gold JSONL."""
    if len(gold_files) != 1:
        return None
    with FileSystems.open(gold_files[0]) as stream:
        content = stream.read().decode("utf-8")
    try:
        truth = json.loads(content)
    except json.JSONDecodeError:
        return None   # JSONL: one answer per line
    if isinstance(truth, dict) and all(isinstance(v, dict) and "articleBody" in v for v in truth.values()):
        return truth
    return None


def main(args: Args, beam_args: list[str]) -> int:
    gold_files = sorted(m.path for m in FileSystems.match([args.gold])[0].metadata_list)
    if not gold_files:
        raise ConfigError(f"--gold {args.gold} matches no file")
    truth = _article_bodies(gold_files)
    if truth is None:
        gold, kinds = [record for path in gold_files for record in JsonlWriter.read(path)], _kinds(args)
    args.output = args.output or tempfile.mkdtemp(prefix="newsclean-eval-")
    config = job_config(args)
    options = pipeline_options(args, beam_args)
    prepare_output_dir(args.output, args.overwrite, args.input)
    run_job(config, options, wait=True)
    outputs = {record["id"]: record for record in read_output(args.output, CLEAN, args.output_format)}
    if truth is not None:
        report = score_bodies({page_id: record["text"] for page_id, record in outputs.items()}, truth)
        text = format_body_report(report)
    else:
        report = score(outputs, gold, kinds)
        text = format_report(report)
    path = write_atomically(FileSystems.join(args.output, EVAL_FILE),
                            json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")
    print(shown(text, lines=True))
    print(f"report: {path}")
    return 0
