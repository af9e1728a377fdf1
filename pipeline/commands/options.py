"""Every group of flags, each declared once, and the options each group makes.

- input (``--input`` and how records are read): ``run``, ``eval``, ``mine``; :func:`read_options`, and
  :func:`input_articles` for a command that reads input files as the job does;
- output (``--output``, its format, compression and shards): ``run``, ``eval``;
- rules (``--rules``, ``--no_bundled_rules``): ``run``, ``eval``, ``mine``, ``explain``; :func:`checked_rules`;
- cleaning (headline, normalisation, time budget, what happens to mass removals, teasers, languages, the line
  model): ``run``, ``eval``, ``mine``, ``explain``; :func:`clean_options`;
- job (the ledger, dedup, site boilerplate, reshuffling): ``run``, ``eval``. :func:`add_job_options` is every
  group ``run`` takes, and feeds :class:`JobOptions` (the job's Beam pipeline options) and the Flex Template
  metadata; :func:`job_config` is what they make; :func:`run_args` reads a finished run's flags back from its
  provenance (``audit``), :func:`run_config` its whole configuration (``explain --run``).

So ``mine`` and ``explain`` clean as ``run`` does with the same flags, and a flag added to a group reaches every
command that takes the group (``tests/commands/test_options.py`` checks that no command restates one).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.job import JobConfig, rule_set
from pipeline.beam.outputs import read_summary
from pipeline.beam.rule_files import bundled_rules_dir, load_rules
from pipeline.beam.runners import use_our_runners
from pipeline.beam.writers import COMPRESSIONS, WRITERS
from pipeline.commands.arguments import (
    add_flag,
    dedup_threshold,
    language_list,
    path_list,
    positive_float,
    positive_int,
    share,
    site_pages,
)
from pipeline.core.budget import DEFAULT_TIME_BUDGET_SECONDS
from pipeline.core.dedup import DEFAULT_MODE, DEFAULT_THRESHOLD, MAX_THRESHOLD, MODES, DedupOptions
from pipeline.core.normalize import NormalizeOptions, UnicodeForm
from pipeline.core.pages import HTML_MODES
from pipeline.core.readers import DEFAULT_MAX_DOC_BYTES, FORMATS, JsonlFields, ReadOptions, detect_format, read_records
from pipeline.core.readers.compression import open_decompressed
from pipeline.core.records import Article
from pipeline.core.rules import Rule, example_failures
from pipeline.core.site_repeat import DEFAULT_MIN_SHARE, SiteRepeatOptions
from pipeline.core.steps import DEFAULT_MAX_REMOVED_SHARE, MASS_REMOVAL_ACTIONS, TRUNCATED_ACTIONS, CleanOptions
from pipeline.core.terminal import shown

RUN_OUTPUT_HELP = ("output folder for clean-*, rejected-*, duplicates-*, files-* (and with --ledger removed-*) shards "
                   "(.jsonl or .parquet) and summary.json")


class ConfigError(Exception):
    """A problem with a command's configuration, found before any data is read."""


# What each group parses, typed: a command's ``Args`` joins the groups it takes (the parser fills an instance,
# tests/commands/test_options.py checks that each command's parser and its ``Args`` name the same flags).
class InputArgs(argparse.Namespace):
    input: str
    input_format: str
    html_mode: str
    text_field: str
    id_field: str
    url_field: str
    title_field: str
    max_doc_bytes: int


class OutputArgs(argparse.Namespace):
    output: str
    overwrite: bool
    output_format: str
    compression: str
    num_shards: int | None


class RulesArgs(argparse.Namespace):
    rules: list[str]
    no_bundled_rules: bool


class CleaningArgs(argparse.Namespace):
    no_headline_line: bool
    keep_not_articles: bool
    straight_quotes: bool
    decode_html_entities: bool
    unicode_form: UnicodeForm
    time_budget: float
    max_removed_share: float
    mass_removal: str
    truncated: str
    line_model: str
    languages: tuple[str, ...] | None


class JobArgs(InputArgs, OutputArgs, RulesArgs, CleaningArgs):
    ledger: bool
    dedup: str
    dedup_threshold: float
    site_boilerplate: int
    site_boilerplate_share: float
    reshuffle_records: bool


def add_input_options(parser: argparse.ArgumentParser, input_required: bool = True) -> None:
    parser.add_argument("--input", required=input_required, help="glob of input files on any Beam filesystem; .gz works")
    parser.add_argument("--input_format", choices=FORMATS, default="auto",
                        help="auto picks by extension: .jsonl/.ndjson/.json, .html/.htm, .parquet, .warc, anything else is text")
    parser.add_argument("--html_mode", choices=HTML_MODES, default="article",
                        help="article: the page's main content (trafilatura); full: all of its text")
    parser.add_argument("--text_field", default="text", help="JSONL key holding the article text")
    parser.add_argument("--id_field", default="id",
                        help="JSONL key holding the id (missing: FILE@BYTE_OFFSET for JSONL, FILE:ROW for Parquet)")
    parser.add_argument("--url_field", default="url", help="JSONL key holding the URL")
    parser.add_argument("--title_field", default="title", help="JSONL key holding the headline")
    parser.add_argument("--max_doc_bytes", type=positive_int, default=DEFAULT_MAX_DOC_BYTES, metavar="BYTES",
                        help="larger files or JSONL lines are rejected as too_large without being loaded "
                             f"(default {DEFAULT_MAX_DOC_BYTES:,})")


def read_options(args: InputArgs, ledger: bool = False) -> ReadOptions:
    """How the flags of :func:`add_input_options` read records; ``ledger``: pages also record what extraction
    left out (``--ledger``)."""
    return ReadOptions(
        fields=JsonlFields(text=args.text_field, id=args.id_field, url=args.url_field, title=args.title_field),
        max_doc_bytes=args.max_doc_bytes,
        html_mode=args.html_mode,
        ledger=ledger,
    )


def input_paths(pattern: str) -> list[str]:
    """Every file ``pattern`` matches on any Beam filesystem, sorted; none is a configuration error."""
    paths = sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)
    if not paths:
        raise ConfigError(f"{pattern} matches no file")
    return paths


def input_articles(paths: list[str], input_format: str = "auto", read: ReadOptions = ReadOptions()
                   ) -> Iterator[tuple[str, Article]]:
    """Each readable article of each file, read as ``run`` reads it (``auto``: each file's format by its name),
    with its file's path."""
    for path in paths:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
            file_format = detect_format(path) if input_format == "auto" else input_format
            for record, _ in read_records(open_decompressed(raw, path), path, file_format, read):
                if isinstance(record, Article):
                    yield path, record


def add_output_options(parser: argparse.ArgumentParser, output_help: str, output_required: bool) -> None:
    parser.add_argument("--output", required=output_required, help=output_help)
    add_flag(parser, "--overwrite", "replace a previous run's files in --output (default: refuse to mix two runs)")
    parser.add_argument("--output_format", choices=tuple(WRITERS), default="jsonl",
                        help="format of the clean, rejected and per-file outputs (summary.json stays JSON)")
    parser.add_argument("--compression", choices=COMPRESSIONS, default="none",
                        help="jsonl: .jsonl.gz or .jsonl.zst files; parquet: the column codec (default none)")
    parser.add_argument("--num_shards", type=positive_int, default=None, metavar="N",
                        help="shards per output (default: the runner decides)")


def add_rules_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", action="extend", type=path_list, default=[], metavar="PATH[,PATH...]",
                        help="rule files or folders (local or in a bucket), added after the bundled rules; "
                             "repeatable or comma-separated")
    add_flag(parser, "--no_bundled_rules", "use only the --rules given, not the bundled rules")


def rule_paths(paths: list[str], no_bundled_rules: bool) -> list[str]:
    """The rule files and folders a command loads, in order: the bundled rules first (unless ``no_bundled_rules``),
    then ``paths``."""
    return ([] if no_bundled_rules else [bundled_rules_dir()]) + list(paths)


def require_input(pattern: str) -> None:
    """Refuse an ``--input`` glob that matches nothing, before anything is read."""
    if not FileSystems.match([pattern])[0].metadata_list:
        raise ConfigError(f"--input {pattern} matches no files")


def loaded_rules(args: RulesArgs) -> list[Rule]:
    """The bundled rules (unless --no_bundled_rules), then --rules in order, loaded (a bad file raises RuleError)."""
    return load_rules(rule_paths(args.rules, args.no_bundled_rules))


def checked_rules(args: RulesArgs, time_budget: float) -> list[Rule]:
    """:func:`loaded_rules`, their examples run under the cleaning's ``time_budget``; a failing example is printed
    and stops the command before any data is read."""
    rules = loaded_rules(args)
    failures = example_failures(rules, time_budget)
    print_failures(failures)
    if failures:
        raise ConfigError(f"{len(failures)} rule example(s) failed; nothing was read")
    return rules


def print_failures(failures: list[str]) -> None:
    """Rule examples that failed, each on stderr with its file and rule, escaped for a terminal."""
    for failure in failures:
        print(shown(failure, lines=True), file=sys.stderr)


def add_cleaning_options(parser: argparse.ArgumentParser) -> None:
    add_flag(parser, "--no_headline_line", "texts start with the body, not a headline: keep the first line "
                                            "(title only from the record's title field)")
    add_flag(parser, "--keep_not_articles", "keep pages that are not articles (error pages, menus) instead of "
                                             "rejecting them as not_article")
    add_flag(parser, "--straight_quotes", "turn curly quotes into straight ones")
    add_flag(parser, "--decode_html_entities",
             "turn entities such as &amp; in text and JSONL input into characters (HTML input always)")
    parser.add_argument("--unicode_form", choices=("NFC", "NFKC"), default="NFC",
                        help="Unicode normalisation; NFKC also folds compatibility characters (default NFC)")
    # --rule_timeout is the option's old name, from when the limit was per rule; a limit per document is
    # stricter, so a job that passes it keeps working.
    parser.add_argument("--time_budget", "--rule_timeout", dest="time_budget", type=positive_float,
                        default=DEFAULT_TIME_BUDGET_SECONDS, metavar="SECONDS",
                        help="time one document may take, normalisation and all rules together; over it the "
                             f"document is rejected as time_budget (default {DEFAULT_TIME_BUDGET_SECONDS:g}; "
                             "--rule_timeout is its old name)")
    parser.add_argument("--max_removed_share", type=share, default=DEFAULT_MAX_REMOVED_SHARE, metavar="SHARE",
                        help="flag documents whose rules removed more than this share of their words (default 0.5)")
    parser.add_argument("--mass_removal", choices=MASS_REMOVAL_ACTIONS, default="flag",
                        help="what happens to such documents: flag (shipped cleaned, counted), reject (rejected "
                             "mass_removal, with what would have been removed) or keep (shipped as before the "
                             "rules, counted); default flag")
    parser.add_argument("--truncated", choices=TRUNCATED_ACTIONS, default="keep",
                        help="a teaser or paywalled text (a closing 'Subscribe to continue reading' notice, or the "
                             "page's paywall markup): keep (shipped flagged stats.truncated, counted) or reject "
                             "(rejected truncated, with the evidence); default keep")
    parser.add_argument("--line_model", choices=("on", "off"), default="off",
                        help="on: lines the rules left that the line model scores as furniture are removed too "
                             "(English articles only; ledger cause line-model, with its score). Off by default: "
                             "on the scraped corpora about one removal in six was content (docs/rules.md)")
    parser.add_argument("--languages", type=language_list, default=None, metavar="CODE[,CODE...]",
                        help="keep only articles detected in these languages (ISO 639-1 codes: en,de; und for a "
                             "text without letters); the others are rejected 'language' with the detected one. "
                             "Every clean record's metadata carries language and language_score either way "
                             "(default: every language)")


def clean_options(args: CleaningArgs, ledger: bool = False) -> CleanOptions:
    """The cleaning the flags of :func:`add_cleaning_options` ask for; ``ledger``: record every removal."""
    return CleanOptions(
        normalize=NormalizeOptions(straight_quotes=args.straight_quotes, unicode_form=args.unicode_form,
                                   decode_html_entities=args.decode_html_entities),
        time_budget=args.time_budget,
        max_removed_share=args.max_removed_share,
        mass_removal=args.mass_removal,
        truncated=args.truncated,
        first_line_is_headline=not args.no_headline_line,
        ledger=ledger,
        reject_not_articles=not args.keep_not_articles,
        languages=args.languages or (),
        line_model=args.line_model == "on",
    )


def add_job_options(parser: argparse.ArgumentParser, output_help: str, output_required: bool,
                    input_required: bool = True) -> None:
    """Every flag of the job, the one place a new one is added (see docs/development.md, Layout): the groups
    other commands share, then the job's own."""
    add_input_options(parser, input_required)
    add_output_options(parser, output_help, output_required)
    add_rules_options(parser)
    add_cleaning_options(parser)
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


def pipeline_options(args: JobArgs, beam_flags: list[str]) -> PipelineOptions:
    """Beam's options from its flags, with the job's own as parsed (so they show where a runner shows options);
    ``--runner=DaskRunner`` is this package's (runners.use_our_runners)."""
    return use_our_runners(PipelineOptions(beam_flags, **{name: getattr(args, name) for name in job_option_names()}))


def job_config(args: JobArgs) -> JobConfig:
    """Load and check everything the job needs; raise before any data is read."""
    rules = checked_rules(args, args.time_budget)
    require_input(args.input)
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


class RunArgs(JobArgs):
    """A finished run's job flags (:func:`run_args`), with the rule set its summary.json records."""
    rule_set: dict


def run_args(output_dir: str, flag: str) -> RunArgs:
    """The job flags of the run that wrote ``output_dir``, from the provenance in its summary.json (its input and
    every job option it was given; the others at their defaults); ``flag`` names where ``output_dir`` was given,
    for the error."""
    try:
        given = read_summary(output_dir)["provenance"]
    except (OSError, ValueError, KeyError) as error:   # Beam's filesystems raise BeamIOError, an OSError
        raise ConfigError(f"{flag} {output_dir}: no summary.json of a finished run can be read there ({error})") from None
    parser = argparse.ArgumentParser(add_help=False)
    JobOptions._add_argparse_args(parser)
    args = parser.parse_args([], namespace=RunArgs())
    for name, value in given["options"].items():
        if name in vars(args):   # Beam's own options (the runner...) do not change the cleaning
            setattr(args, name, value)
    args.input, args.output, args.rule_set = given["input"], output_dir, given["rules"]
    return args


def run_config(output_dir: str, flag: str) -> JobConfig:
    """:func:`job_config` of the run that wrote ``output_dir`` (:func:`run_args`): its input, rules and options,
    loaded and checked as ``run`` checks them."""
    args = run_args(output_dir, flag)
    config = job_config(args)
    if rule_set(config.rules)["sha256"] != args.rule_set["sha256"]:
        print(f"note: the rules have changed since the run in {output_dir}; cleaning with the rules as they are now",
              file=sys.stderr)
    return config
