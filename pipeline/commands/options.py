"""The flags that several commands share, each group declared once, and the options each group makes.

- input (``--input`` and how records are read): ``run``, ``eval``, ``mine``; :func:`read_options`;
- rules (``--rules``, ``--no_bundled_rules``): ``run``, ``eval``, ``mine``, ``explain``; :func:`checked_rules`;
- cleaning (headline, normalisation, time budget, what happens to mass removals, teasers, languages, the line
  model): ``run``, ``eval``, ``mine``, ``explain``; :func:`clean_options`.

So ``mine`` and ``explain`` clean as ``run`` does with the same flags, and a flag added to a group reaches every
command that takes the group (``tests/commands/test_options.py`` checks that no command restates one).
"""

from __future__ import annotations

import argparse
import sys

from pipeline.beam.rule_files import bundled_rules_dir, load_rules
from pipeline.commands.arguments import add_flag, language_list, path_list, positive_float, positive_int, share
from pipeline.core.budget import DEFAULT_TIME_BUDGET_SECONDS
from pipeline.core.normalize import NormalizeOptions
from pipeline.core.pages import HTML_MODES
from pipeline.core.readers import DEFAULT_MAX_DOC_BYTES, FORMATS, JsonlFields, ReadOptions
from pipeline.core.rules import Rule, example_failures
from pipeline.core.steps import DEFAULT_MAX_REMOVED_SHARE, MASS_REMOVAL_ACTIONS, TRUNCATED_ACTIONS, CleanOptions
from pipeline.core.terminal import shown


class ConfigError(Exception):
    """A problem with a command's configuration, found before any data is read."""


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


def read_options(args: argparse.Namespace, ledger: bool = False) -> ReadOptions:
    """How the flags of :func:`add_input_options` read records; ``ledger``: pages also record what extraction
    left out (``--ledger``)."""
    return ReadOptions(
        fields=JsonlFields(text=args.text_field, id=args.id_field, url=args.url_field, title=args.title_field),
        max_doc_bytes=args.max_doc_bytes,
        html_mode=args.html_mode,
        ledger=ledger,
    )


def add_rules_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", action="extend", type=path_list, default=[], metavar="PATH[,PATH...]",
                        help="rule files or folders (local or in a bucket), added after the bundled rules; "
                             "repeatable or comma-separated")
    add_flag(parser, "--no_bundled_rules", "use only the --rules given, not the bundled rules")


def loaded_rules(args: argparse.Namespace) -> list[Rule]:
    """The bundled rules (unless --no_bundled_rules), then --rules in order, loaded (a bad file raises RuleError)."""
    return load_rules(([] if args.no_bundled_rules else [bundled_rules_dir()]) + args.rules)


def checked_rules(args: argparse.Namespace) -> list[Rule]:
    """:func:`loaded_rules`, their examples run under the cleaning's time budget; a failing example is printed
    and stops the command before any data is read."""
    rules = loaded_rules(args)
    failures = example_failures(rules, args.time_budget)
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


def clean_options(args: argparse.Namespace, ledger: bool = False) -> CleanOptions:
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
