"""``python -m pipeline mine``: its options, checked before any data is read, and the run."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.job import counter_totals
from pipeline.beam.mine import DOCS_MINED, DOCS_WITHOUT_SITE, SUMMARY_FILE, MineConfig, build_mine_pipeline
from pipeline.beam.outputs import clear_previous
from pipeline.beam.runners import RUNNERS_WITHOUT_METRICS, runner_name, use_our_runners
from pipeline.beam.transforms import DOCS_READ, DOCS_REJECTED
from pipeline.commands.arguments import ProgressArgs, add_flag, add_progress_options, positive_int, progress_lines, share
from pipeline.commands.options import (
    CleaningArgs,
    ConfigError,
    InputArgs,
    RulesArgs,
    add_cleaning_options,
    add_input_options,
    add_rules_options,
    checked_rules,
    clean_options,
    read_options,
    require_input,
)
from pipeline.core.mine.draft import REPORT_SUFFIX
from pipeline.core.mine.tally import BY_SITE, MineOptions
from pipeline.core.terminal import shown

DRAFT_PATTERNS = ("*.toml", "*" + REPORT_SUFFIX, SUMMARY_FILE)


HELP = "mine a corpus for each site's repeated lines and draft rule files for them"
TAKES_BEAM_OPTIONS = True


class Args(InputArgs, RulesArgs, CleaningArgs, ProgressArgs):
    output: str
    by: str
    min_docs: int
    min_share: float
    max_sites: int
    overwrite: bool


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_options(parser)
    parser.add_argument("--output", required=True, help="DRAFT_DIR: one SITE.toml and SITE.report.md per site, "
                                                        f"and {SUMMARY_FILE}")
    parser.add_argument("--by", default=BY_SITE, metavar="site|FIELD",
                        help="group pages by URL host (site, the default) or by a JSONL field such as source")
    parser.add_argument("--min_docs", type=positive_int, default=MineOptions.min_docs, metavar="N",
                        help=f"a line must be on at least N pages of a site (default {MineOptions.min_docs})")
    parser.add_argument("--min_share", type=share, default=MineOptions.min_share, metavar="S",
                        help=f"... and on at least this share of them (default {MineOptions.min_share})")
    parser.add_argument("--max_sites", type=positive_int, default=MineOptions.max_sites, metavar="K",
                        help="cross-site test: a line on the pages of K sites or more is left out as wire copy "
                             f"or a common quote (default {MineOptions.max_sites})")
    add_rules_options(parser)
    add_flag(parser, "--overwrite", "replace a previous mining run's drafts in --output")
    add_cleaning_options(parser)
    add_progress_options(parser)


def mine_config(args: Args) -> MineConfig:
    """Everything the run needs, checked; raises before any data is read."""
    try:
        options = MineOptions(by=args.by, min_docs=args.min_docs, min_share=args.min_share, max_sites=args.max_sites)
    except ValueError as error:
        raise ConfigError(f"bad option: {error}") from None
    if args.no_bundled_rules and not args.rules:
        raise ConfigError("--no_bundled_rules leaves no rules: name rule files or folders with --rules")
    rules = checked_rules(args, args.time_budget)
    require_input(args.input)
    return MineConfig(
        input_pattern=args.input, output_dir=args.output, rules=rules, input_format=args.input_format,
        read=read_options(args), clean=clean_options(args),
        mine=options)


def prepare_draft_dir(output_dir: str, overwrite: bool) -> None:
    """Refuse a folder with a previous run's drafts (or delete them with ``overwrite``); make sure it exists."""
    clear_previous(output_dir, DRAFT_PATTERNS, overwrite, "drafts")


def main(args: Args, beam_args: list[str]) -> int:
    config = mine_config(args)
    prepare_draft_dir(args.output, args.overwrite)
    options = use_our_runners(PipelineOptions(beam_args))
    if runner_name(options) in RUNNERS_WITHOUT_METRICS:
        raise ConfigError(f"mine reports from Beam's counters, which the {runner_name(options)} does not collect; "
                          "run mine on another runner (the DirectRunner, Dataflow)")
    with progress_lines(args, args.input, options) as progress:
        result = build_mine_pipeline(replace(config, progress=progress), options).run()
        result.wait_until_finish()
    counters = counter_totals(result)
    # Every page read is accounted for: rejected by the cleaning, without a group, or mined.
    print(f"documents: {counters.get(DOCS_READ, 0)} read, {counters.get(DOCS_REJECTED, 0)} rejected, "
          f"{counters.get(DOCS_WITHOUT_SITE, 0)} without a {'URL' if args.by == BY_SITE else args.by} (not mined), "
          f"{counters.get(DOCS_MINED, 0)} mined")
    summary_path = FileSystems.join(args.output, SUMMARY_FILE)
    if not FileSystems.exists(summary_path):   # no site had a repeated line: nothing reached the writer
        with FileSystems.create(summary_path) as out:
            out.write(b"[]\n")
    with FileSystems.open(summary_path) as stream:
        summary = json.loads(stream.read().decode("utf-8"))
    for entry in summary:
        written = entry["rule_file"] or entry.get("not_written") or "no rule"
        print(shown(f"{entry['site']}: {entry['rules']} rule(s) ({written})"))
    print(f"{sum(e['rules'] for e in summary)} rules for {sum(1 for e in summary if e['rules'])} of "
          f"{len(summary)} sites with repeated lines; review the reports, then 'python -m pipeline rules test "
          f"{args.output}'")
    print(f"output: {args.output}")
    return 0
