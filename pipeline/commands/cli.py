"""Command line: ``python -m pipeline run|eval|mine|audit|explain|report|rules test|list|cost``.

The job's flags are defined once, in :func:`add_job_options`: it feeds the ``run`` and ``eval`` parsers, the
job's :class:`JobOptions` (so runners show them as pipeline options) and the Flex Template metadata. Any
other flag must be a Beam option (``--runner``, ``--direct_num_workers``, ``--project``...); one that is
not is an error, before anything is read.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import itertools
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.job import JobConfig, format_summary, rule_set, run_job
from pipeline.beam.outputs import CLEAN, EVAL_FILE, OutputError, prepare_output_dir, read_output, read_summary, write_atomically
from pipeline.beam.rule_files import bundled_rules_dir, load_rules
from pipeline.beam.runners import outlives_launcher, use_our_runners, wants_dask
from pipeline.beam.writers import COMPRESSIONS, WRITERS, JsonlWriter
from pipeline.commands import explain, report
from pipeline.commands.arguments import (
    add_flag,
    add_progress_options,
    dedup_threshold,
    positive_int,
    progress_lines,
    share,
    site_pages,
)
from pipeline.commands.mine import MineConfigError, add_mine_options, run_mine
from pipeline.commands.options import (
    ConfigError,
    add_cleaning_options,
    add_input_options,
    add_rules_options,
    checked_rules,
    clean_options,
    print_failures,
    read_options,
)
from pipeline.core.audit import DEFAULT_MIN_DOCS, Document, audit, compare_dict, corpus_names, format_comparison, site_of
from pipeline.core.body_score import format_body_report, score_bodies
from pipeline.core.clean import Cleaner
from pipeline.core.dedup import DEFAULT_MODE, DEFAULT_THRESHOLD, MAX_THRESHOLD, MODES, DedupOptions
from pipeline.core.evaluate import format_report, score
from pipeline.core.normalize import NormalizeOptions, UnicodeFixer, normalize
from pipeline.core.readers import detect_format, read_records
from pipeline.core.readers.compression import open_decompressed
from pipeline.core.records import Article, Rejected
from pipeline.core.rules import CompiledRule, RuleError, RuleSet, example_failures
from pipeline.core.rules.cost import format_report as format_cost
from pipeline.core.rules.cost import measure
from pipeline.core.site_repeat import DEFAULT_MIN_SHARE, SiteRepeatOptions
from pipeline.core.steps import STEPS
from pipeline.core.steps.apply_rules import ApplyRules
from pipeline.core.terminal import shown

RUN_OUTPUT_HELP = ("output folder for clean-*, rejected-*, duplicates-*, files-* (and with --ledger removed-*) shards "
                   "(.jsonl or .parquet) and summary.json")


def add_job_options(parser: argparse.ArgumentParser, output_help: str, output_required: bool,
                    input_required: bool = True) -> None:
    """Every flag of the job, the one place a new one is added (see docs/development.md, Layout): the groups
    other commands share (pipeline.commands.options), then the job's own."""
    add_input_options(parser, input_required)
    parser.add_argument("--output", required=output_required, help=output_help)
    add_rules_options(parser)
    add_cleaning_options(parser)
    add_flag(parser, "--overwrite", "replace a previous run's files in --output (default: refuse to mix two runs)")
    parser.add_argument("--output_format", choices=tuple(WRITERS), default="jsonl",
                        help="format of the clean, rejected and per-file outputs (summary.json stays JSON)")
    parser.add_argument("--compression", choices=COMPRESSIONS, default="none",
                        help="jsonl: .jsonl.gz or .jsonl.zst files; parquet: the column codec (default none)")
    parser.add_argument("--num_shards", type=positive_int, default=None, metavar="N",
                        help="shards per output (default: the runner decides)")
    add_flag(parser, "--ledger", "also write removed-* shards: every removal with its rule or step, its text and "
                                  "its offsets in the normalised text (see 'explain' and 'report')")
    parser.add_argument("--dedup", choices=MODES, default=DEFAULT_MODE,
                        help="exact: same text after folding case, punctuation and spacing; near: also MinHash "
                             f"Jaccard of word shingles at least --dedup_threshold (default {DEFAULT_MODE})")
    parser.add_argument("--dedup_threshold", type=dedup_threshold, default=DEFAULT_THRESHOLD, metavar="JACCARD",
                        help=f"near mode: estimated Jaccard similarity from which two articles are duplicates, "
                             f"above 0 and at most {MAX_THRESHOLD} (default {DEFAULT_THRESHOLD})")
    parser.add_argument("--site_boilerplate", type=site_pages, default=0, metavar="N",
                        help="remove the lines that start or end a page when the same line is on at least N "
                             "pages of its site (URL host) in this run, and on --site_boilerplate_share of them; "
                             "after deduplication, one more shuffle of the articles (default 0: off)")
    parser.add_argument("--site_boilerplate_share", type=share, default=DEFAULT_MIN_SHARE, metavar="SHARE",
                        help="the share of a site's pages such a line must be on "
                             f"(default {DEFAULT_MIN_SHARE})")
    add_flag(parser, "--reshuffle_records",
              "redistribute the records after reading, so that the cleaning of a file one worker reads whole "
              "(compressed JSONL, Parquet, WARC) spreads over all workers (costs a shuffle of the records)")


class JobOptions(PipelineOptions):
    """The job's flags as Beam pipeline options: in the job's PipelineOptions, so a runner shows them (Dataflow's
    job options panel) with Beam's own. None is required here: a PipelineOptions of any flags parses every
    registered options class, so the job's required flags are checked by the command line instead."""

    @classmethod
    def _add_argparse_args(cls, parser):
        add_job_options(parser, RUN_OUTPUT_HELP, output_required=False, input_required=False)


def job_option_names() -> list[str]:
    """The destinations (``dedup``, ``max_doc_bytes``...) of every job flag."""
    parser = argparse.ArgumentParser(add_help=False)
    JobOptions._add_argparse_args(parser)
    return [action.dest for action in parser._actions]


def unknown_flags(flags: list[str]) -> list[str]:
    """What in ``flags`` no options class of Beam's (nor :class:`JobOptions`) defines, parsed by the parser Beam
    itself builds; Beam would only log "Discarding unparseable args" and run with defaults."""
    parsers: list[argparse.ArgumentParser] = []
    PipelineOptions([]).get_all_options(add_extra_args_fn=parsers.append)
    return parsers[0].parse_known_args(flags)[1]


# Actions that gather every occurrence of their flag; any other keeps only the last and silently drops the rest.
_GATHERING_ACTIONS = (argparse._AppendAction, argparse._ExtendAction, argparse._CountAction)


def repeated_flags(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """The flags of the command ``argv`` names given more than once that take one value, so the last one given
    would silently win (``--input A --input B``); a list flag (``--rules``) may repeat.

    >>> demo = argparse.ArgumentParser()
    >>> _ = demo.add_argument("--input"), demo.add_argument("--rules", action="extend", nargs="+")
    >>> repeated_flags(demo, ["--input", "a", "--rules", "x", "--rules=y", "--input=b"])
    ['--input']
    >>> repeated_flags(demo, ["--input", "a", "--rules", "x", "--rules", "y"])
    []
    """
    actions, parsers = [], [parser]
    while parsers:
        current = parsers.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                # The sub-command is the first of its names in argv.
                parsers += [action.choices[token] for token in argv if token in action.choices][:1]
            elif action.option_strings and not isinstance(action, _GATHERING_ACTIONS):
                actions.append(action)
    given = [token.split("=", 1)[0] for token in itertools.takewhile(lambda t: t != "--", argv) if token.startswith("--")]
    return [flag for action in actions if sum(given.count(f) for f in action.option_strings) > 1
            for flag in action.option_strings[:1]]


def pipeline_options(args, beam_flags: list[str]) -> PipelineOptions:
    """Beam's options from its flags, with the job's own as parsed (so they show where a runner shows options);
    ``--runner=DaskRunner`` is this package's (runners.use_our_runners)."""
    return use_our_runners(PipelineOptions(beam_flags, **{name: getattr(args, name) for name in job_option_names()}))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", allow_abbrev=False, description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    beam_note = "Any other --flag must be one of Beam's pipeline options."

    run = commands.add_parser("run", allow_abbrev=False, help="clean articles into JSONL or Parquet", epilog=beam_note)
    add_job_options(run, RUN_OUTPUT_HELP, output_required=True)
    # A flag of the launch, not of the job: not in JobOptions nor in the Flex Template, whose launcher never waits.
    add_flag(run, "--wait", "wait for a job that outlives this process (Dataflow, a remote job server) to finish and "
                             "print its summary; a job on any other runner is always waited for")
    add_progress_options(run)

    evaluate = commands.add_parser("eval", allow_abbrev=False, epilog=beam_note,
                                   help="run the job on raw articles and score it against gold answers")
    add_job_options(evaluate, f"where the job's outputs and {EVAL_FILE} go (default: a new temporary folder)",
                     output_required=False)
    evaluate.add_argument("--gold", required=True, help="JSONL of {id, title, text} answers, or the article-extraction "
                                                        "benchmark's ground truth: one JSON {id: {articleBody}}")
    evaluate.add_argument("--kinds", help="JSON {id: [cruft kinds]} to score per kind (default: kinds.json beside --gold)")

    mine = commands.add_parser("mine", allow_abbrev=False, epilog=beam_note,
                               help="mine a corpus for each site's repeated lines and draft rule files for them")
    add_mine_options(mine)
    audit_ = commands.add_parser("audit", allow_abbrev=False,
                                 help="list what a run left that looks like furniture, per corpus and site")
    audit_.add_argument("raw", help="the run's --input (a glob); read as the job reads it, for the 'before' column")
    audit_.add_argument("output_dir", help="the run's --output")
    audit_.add_argument("--output_format", choices=tuple(WRITERS), default="jsonl", help="the run's --output_format")
    audit_.add_argument("--top", type=positive_int, default=10, help="sites to list, and lines per site (default 10)")
    audit_.add_argument("--min_docs", type=positive_int, default=DEFAULT_MIN_DOCS,
                        help=f"documents of a site a short line must recur in to count as repeated (default {DEFAULT_MIN_DOCS})")
    audit_.add_argument("--json", help="also write the comparison as JSON to this path")
    explain.add_arguments(commands.add_parser(
        "explain", allow_abbrev=False, help="show one document's cleaning step by step, every removal marked"))
    report_ = commands.add_parser(
        "report", allow_abbrev=False, help="write a self-contained HTML report of a run (needs run --ledger)")
    report.add_arguments(report_)
    add_progress_options(report_)

    rules = commands.add_parser("rules", help="work with rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    for name, help in (("test", "load rule files and run their examples and look-alikes"),
                       ("list", "show the rules in the order they run, with file, scope and kind"),
                       ("cost", "clean a sample of articles and show each rule's share of the time, worst first")):
        command = rules_commands.add_parser(name, help=help, allow_abbrev=False)
        command.add_argument("paths", nargs="*", metavar="PATH",
                             help="rule files or folders, after the bundled rules as in 'run --rules'")
        command.add_argument("--no_bundled_rules", action="store_true", help="only the PATHs given, not the bundled rules")
        if name == "cost":
            command.add_argument("--input", required=True, metavar="GLOB",
                                 help="articles to measure on, in any input format 'run' reads")
            command.add_argument("--sample", type=positive_int, default=2000, metavar="N",
                                 help="the first N readable articles (default 2000)")
            command.add_argument("--top", type=positive_int, default=30, metavar="N",
                                 help="show the N costliest rows (default 30)")
    return parser


def _job_config(args) -> JobConfig:
    """Load and check everything the job needs; raise before any data is read."""
    rules = checked_rules(args)
    if not FileSystems.match([args.input])[0].metadata_list:
        raise ConfigError(f"--input {args.input} matches no files")
    return JobConfig(
        input_pattern=args.input,
        output_dir=args.output,
        rules=rules,
        input_format=args.input_format,
        read=read_options(args, ledger=args.ledger),
        clean=clean_options(args, ledger=args.ledger),
        output_format=args.output_format,
        compression=args.compression,
        num_shards=args.num_shards or 0,   # 0: the runner decides
        dedup=DedupOptions(mode=args.dedup, threshold=args.dedup_threshold),
        reshuffle_records=args.reshuffle_records,
        site_repeat=SiteRepeatOptions(min_pages=args.site_boilerplate, min_share=args.site_boilerplate_share),
    )


def _run(args, beam_args: list[str], launch_only: bool = False) -> int:
    """Run the job; wait for it unless it outlives this process (Dataflow) or ``launch_only`` (the Flex Template)."""
    config = _job_config(args)
    options = pipeline_options(args, beam_args)
    prepare_output_dir(args.output, args.overwrite, args.input)
    wait = not launch_only and (args.wait or not outlives_launcher(options))
    with progress_lines(args, options) if wait else contextlib.nullcontext() as progress:
        result, summary = run_job(replace(config, progress=progress), options, wait=wait)
    if summary is None:
        job_id = getattr(result, "job_id", None)
        print(f"job submitted{f' (id {shown(job_id())})' if callable(job_id) and job_id() else ''}; it writes "
              f"{FileSystems.join(args.output, 'summary.json')} when it finishes")
        return 0
    print(shown(format_summary(summary), lines=True))
    print(f"output: {args.output}")
    return 0


def _kinds(args) -> dict:
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


def run_config(output_dir: str) -> JobConfig:
    """The configuration of the run that wrote ``output_dir``, from the provenance in its summary.json: its input,
    rules and every job option it was given, loaded and checked as ``run`` checks them."""
    try:
        given = read_summary(output_dir)["provenance"]
    except (OSError, ValueError, KeyError) as error:   # Beam's filesystems raise BeamIOError, an OSError
        raise ConfigError(f"--run {output_dir}: no summary.json of a finished run can be read there ({error})") from None
    parser = argparse.ArgumentParser(add_help=False)
    JobOptions._add_argparse_args(parser)
    args = parser.parse_args([])
    for name, value in given["options"].items():
        if name in vars(args):   # Beam's own options (the runner...) do not change the cleaning
            setattr(args, name, value)
    args.input = given["input"]
    config = _job_config(args)
    if rule_set(config.rules)["sha256"] != given["rules"]["sha256"]:
        print(f"note: the rules have changed since the run in {output_dir}; explaining with the rules as they are now",
              file=sys.stderr)
    return config


def _eval(args, beam_args: list[str]) -> int:
    gold_files = sorted(m.path for m in FileSystems.match([args.gold])[0].metadata_list)
    if not gold_files:
        raise ConfigError(f"--gold {args.gold} matches no file")
    truth = _article_bodies(gold_files)
    if truth is None:
        gold, kinds = [record for path in gold_files for record in JsonlWriter.read(path)], _kinds(args)
    args.output = args.output or tempfile.mkdtemp(prefix="newsclean-eval-")
    config = _job_config(args)
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


def _audit(args, beam_args: list[str]) -> int:
    if beam_args:
        raise ConfigError(f"audit takes no Beam options: {' '.join(beam_args)}")
    paths = _input_paths(args.raw)
    clean = read_output(args.output_dir, CLEAN, args.output_format)
    if not clean:
        raise ConfigError(f"{args.output_dir} holds no clean-* output in {args.output_format}")
    names = corpus_names(paths + [record["input_file"] for record in clean])
    fixer = UnicodeFixer(NormalizeOptions())
    before = [Document(names[path], site_of(article.url, article.metadata),
                       (article.title or "") + "\n\n" + normalize(article.text, fixer))
              for path, article in _articles(paths)]
    after = [Document(names[r["input_file"]], site_of(r["url"], r["metadata"]), r["title"] + "\n\n" + r["text"])
             for r in clean]
    comparison = compare_dict(audit(before, args.min_docs), audit(after, args.min_docs), args.top)
    if args.json:
        Path(args.json).write_text(json.dumps(comparison, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(shown(format_comparison(comparison, args.top), lines=True))
    return 0


def _input_paths(pattern: str) -> list[str]:
    paths = sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)
    if not paths:
        raise ConfigError(f"{pattern} matches no file")
    return paths


def _articles(paths: list[str]) -> Iterator[tuple[str, Article]]:
    """Each readable article of each file (in its format by name, as 'run' reads it), with its file's path."""
    for path in paths:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
            for record, _ in read_records(open_decompressed(raw, path), path, detect_format(path)):
                if isinstance(record, Article):
                    yield path, record


def _rule_paths(args) -> list[str]:
    """The rule files a job with the same flags would load: the bundled ones first, unless told otherwise."""
    if args.no_bundled_rules and not args.paths:
        raise ConfigError("--no_bundled_rules leaves no rules: name rule files or folders")
    return ([] if args.no_bundled_rules else [bundled_rules_dir()]) + list(args.paths)


def _rules_test(args) -> int:
    rules = load_rules(_rule_paths(args))
    failures = example_failures(rules)
    print_failures(failures)
    checked = sum(len(rule.examples) + len(rule.keep) for rule in rules)
    print(f"{len(rules)} rules, {checked} examples: {len(failures)} failed")
    return 1 if failures else 0


def _rules_cost(args) -> int:
    rules = RuleSet(load_rules(_rule_paths(args)))
    # The text the rules see in the job: normalised, the headline taken out.
    before_rules = Cleaner([], steps=STEPS[:STEPS.index(ApplyRules)])
    documents = []
    for _, article in itertools.islice(_articles(_input_paths(args.input)), args.sample):
        try:
            documents.append((before_rules.clean(article).text, article.url, article.source))
        except Rejected:
            continue   # the job rejects it before its rules run
    if not documents:
        raise ConfigError(f"--input {args.input}: no document reaches the rules")
    print(shown(format_cost(measure(rules, documents), args.top), lines=True))
    return 0


def _scope(rule) -> str:
    parts = [*(f"site {site}" for site in rule.sites), *(f"url /{url}/" for url in rule.urls)]
    return ", ".join(parts) or "every document"


def _kind(rule) -> str:
    if rule.block:
        return f"block rule ({rule.block.position}, {rule.block.min_lines}+ lines)"
    return "line rule" if CompiledRule(rule).is_line_rule else "text rule"


def _rules_list(args) -> int:
    rules = load_rules(_rule_paths(args))
    rows = [("#", "rule", "kind", "scope", "file")]
    rows += [(str(i), rule.name, _kind(rule), _scope(rule),
              rule.file) for i, rule in enumerate(rules, 1)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        print(shown("  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1]))
    return 0


def main(argv: list[str] | None = None, launch_only: bool = False) -> int:
    """The command line; ``launch_only``: submit the job and return, never wait (the Flex Template launcher)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if repeated := repeated_flags(parser, sys.argv[1:] if argv is None else argv):
        parser.error(f"argument {repeated[0]}: given more than once; it takes one value (only a list flag "
                     "such as --rules may repeat)")
    if args.command in ("rules", "explain", "report") and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command in ("run", "eval", "mine") and wants_dask(extra):
        try:   # registers Beam's Dask options (--dask_client_address...) before the flags are checked
            importlib.import_module("pipeline.beam.runners.dask")
        except ImportError as error:
            parser.error(f"the Dask runner needs the dask extra: pip install 'newsclean[dask]' ({error})")
    if args.command in ("run", "eval", "mine") and (unknown := unknown_flags(extra)):
        parser.error(f"unrecognized arguments: {' '.join(unknown)} (neither a job flag nor a Beam pipeline option)")
    # JobOptions knows every flag of 'run', so Beam's parser takes them; 'mine' would ignore them.
    if args.command == "mine" and (stray := [flag for flag in extra if flag.startswith("--")
                                             and flag[2:].split("=")[0] in job_option_names()]):
        parser.error(f"unrecognized arguments: {' '.join(stray)} (a flag of 'run', not of 'mine')")
    logging.basicConfig(level=logging.WARNING, force=True)
    # Beam's Dataflow client logs the job's id and console URL at INFO.
    logging.getLogger("apache_beam.runners.dataflow").setLevel(logging.INFO)
    commands = {"eval": _eval, "mine": run_mine, "audit": _audit,
                "explain": lambda args, _: explain.main(args, run_config(args.run) if args.run else None),
                "report": lambda args, _: report.main(args)}
    try:
        if args.command == "rules":
            return {"list": _rules_list, "cost": _rules_cost, "test": _rules_test}[args.rules_command](args)
        if args.command == "run":
            return _run(args, extra, launch_only)
        return commands[args.command](args, extra)
    except RuleError as error:
        for problem in error.problems:
            print(f"error: {shown(problem, lines=True)}", file=sys.stderr)
        return 2
    except (ConfigError, OutputError, MineConfigError, explain.ExplainError, report.ReportError) as error:
        print(f"error: {shown(str(error), lines=True)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of the output went away (`newsclean explain ... | head`): stop quietly, as cat does. Standard
        # output now points at /dev/null, so Python's flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
