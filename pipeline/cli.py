"""Command line: ``python -m pipeline run ...`` and ``python -m pipeline rules test ...``.

Flags this parser does not know go to Beam's PipelineOptions, so any runner
option (``--runner``, ``--direct_num_workers``, ``--project``...) passes through.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.clean import CleanOptions
from pipeline.job import JobConfig, format_summary, run_job
from pipeline.normalize import NormalizeOptions
from pipeline.readers import FORMATS, JsonlFields
from pipeline.rules import DEFAULT_TIMEOUT_SECONDS, RuleError, example_failures, load_rules

BUNDLED_RULES = Path(__file__).resolve().parent.parent / "rules"


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", allow_abbrev=False, description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", allow_abbrev=False, help="clean articles into JSONL",
                              epilog="Any other --flag is passed to Beam's PipelineOptions.")
    run.add_argument("--input", required=True, help="glob of input files on any Beam filesystem; .gz works")
    run.add_argument("--output", required=True, help="output folder for clean-*.jsonl, rejected-*.jsonl, summary.json")
    run.add_argument("--rules", action="append", default=[], metavar="PATH",
                     help="rule file or folder, added after the bundled rules; repeatable")
    run.add_argument("--no_bundled_rules", action="store_true",
                     help="use only the --rules given, not the bundled rules/ folder")
    run.add_argument("--input_format", choices=FORMATS, default="auto",
                     help="auto picks by extension: .jsonl/.ndjson/.json, .html/.htm, anything else is text")
    run.add_argument("--text_field", default="text", help="JSONL key holding the article text")
    run.add_argument("--id_field", default="id", help="JSONL key holding the id (missing: FILE:LINE)")
    run.add_argument("--url_field", default="url", help="JSONL key holding the URL")
    run.add_argument("--title_field", default="title", help="JSONL key holding the headline")
    run.add_argument("--straight_quotes", action="store_true", help="turn curly quotes into straight ones")
    run.add_argument("--unicode_form", choices=("NFC", "NFKC"), default="NFC",
                     help="Unicode normalisation; NFKC also folds compatibility characters (default NFC)")
    run.add_argument("--rule_timeout", type=_positive_float, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
                     help="time limit for one rule on one document; over it the document is rejected")

    rules = commands.add_parser("rules", help="work with rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    test = rules_commands.add_parser("test", help="load rule files and run their examples")
    test.add_argument("paths", nargs="*", default=[str(BUNDLED_RULES)], metavar="PATH",
                      help="rule files or folders (default: the bundled rules)")
    return parser


def _rule_paths(args) -> list[str]:
    return ([] if args.no_bundled_rules else [str(BUNDLED_RULES)]) + args.rules


def _report(failures: list[str]) -> None:
    for failure in failures:
        print(failure, file=sys.stderr)


def _run(args, beam_args: list[str]) -> int:
    rules = load_rules(_rule_paths(args))
    failures = example_failures(rules, args.rule_timeout)
    if failures:
        _report(failures)
        print(f"error: {len(failures)} rule example(s) failed; nothing was read", file=sys.stderr)
        return 2
    if not FileSystems.match([args.input])[0].metadata_list:
        print(f"error: --input {args.input} matches no files", file=sys.stderr)
        return 2
    config = JobConfig(
        input_pattern=args.input,
        output_dir=args.output,
        rules=rules,
        input_format=args.input_format,
        fields=JsonlFields(text=args.text_field, id=args.id_field, url=args.url_field, title=args.title_field),
        clean=CleanOptions(
            normalize=NormalizeOptions(straight_quotes=args.straight_quotes, unicode_form=args.unicode_form),
            rule_timeout=args.rule_timeout,
        ),
    )
    summary = run_job(config, PipelineOptions(beam_args))
    print(format_summary(summary))
    print(f"output: {args.output}")
    return 0


def _rules_test(args) -> int:
    rules = load_rules(args.paths)
    failures = example_failures(rules)
    _report(failures)
    checked = sum(len(rule.examples) + len(rule.keep) for rule in rules)
    print(f"{len(rules)} rules, {checked} examples: {len(failures)} failed")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command != "run" and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(level=logging.WARNING, force=True)
    try:
        return _run(args, extra) if args.command == "run" else _rules_test(args)
    except RuleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
