"""``python -m pipeline explain``: one document's cleaning, step by step, with every removal marked.

Runs the same :class:`pipeline.core.clean.Cleaner` as the job, with the removal ledger on, on one document: by id
from an input file (any format the job reads), or text on standard input. Prints what each step did, then the
normalised text with each removal marked and the rule (or step) that made it, then the removals with their
offsets in the normalised text (the offsets of the ledger, ``run --ledger``). Colour on a terminal, plain text
(``[-removed-]{rule}``) otherwise, or as ``--color`` says. A page (HTML, WARC) first shows what its article
extraction left out, with offsets into its full text and tag paths, also when it has no article at all.
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from apache_beam.io.filesystems import FileSystems

from pipeline.beam.job import JobConfig
from pipeline.commands.options import (
    CleaningArgs,
    RulesArgs,
    add_cleaning_options,
    add_rules_options,
    clean_options,
    loaded_rules,
    run_config,
)
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.ledger import Removal
from pipeline.core.readers import FORMATS, ReadOptions, detect_format, read_records
from pipeline.core.readers.compression import open_decompressed
from pipeline.core.readers.ids import glob_root
from pipeline.core.records import Article, Rejected, Rejection
from pipeline.core.steps import Draft, Step
from pipeline.core.terminal import shown

HELP = "show one document's cleaning step by step, every removal marked"
TAKES_BEAM_OPTIONS = False
STDIN_ID = "stdin"


class Args(RulesArgs, CleaningArgs):
    input: str | None
    id: str | None
    input_format: str
    url: str | None
    title: str | None
    run: str | None
    color: str

_RED_STRUCK, _YELLOW, _DIM, _BOLD, _RESET = "\x1b[9;31m", "\x1b[33m", "\x1b[2m", "\x1b[1m", "\x1b[0m"


class ExplainError(Exception):
    """The document asked for cannot be found or read."""


class NoSuchDocument(ExplainError):
    """The file holds no document of that id (a run's other files may)."""


class NoArticle(ExplainError):
    """The document is a page whose extraction found no article: what the extraction left out is all there is."""

    def __init__(self, rejection: Rejection):
        super().__init__(f"{rejection.reason}: {rejection.detail}")
        self.rejection = rejection


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", help="input file holding the document (any format 'run' reads); "
                                        "without it, the text comes from standard input")
    parser.add_argument("--id", help="the document's id in --input (needed when the file holds more than one)")
    parser.add_argument("--input_format", choices=FORMATS, default="auto", help="as for 'run'")
    parser.add_argument("--url", help="the URL of the text on standard input (scoped rules use it)")
    parser.add_argument("--title", help="the headline of the text on standard input, if not its first line")
    add_rules_options(parser)
    add_cleaning_options(parser)
    parser.add_argument("--run", metavar="OUT_DIR",
                        help="clean as the run that wrote OUT_DIR did: its rules, options and input, from its "
                             "summary.json; name the document with --id")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="mark removals in colour (auto: when standard output is a terminal)")


def find_article(path: str, wanted: str | None, input_format: str = "auto", read: ReadOptions | None = None) -> Article:
    """The article ``wanted`` (an id) in the file at ``path``; the only one when ``wanted`` is None. ``read``: the
    options a run read it with (its fields, and ids relative to its glob), by default those of ``path`` alone."""
    if not os.path.isfile(path):
        raise ExplainError(f"--input {path}: no such file (explain reads one local file)")
    fmt = detect_format(path) if input_format == "auto" else input_format
    found: list[Article] = []
    # With the ledger, so that a page says what its extraction left out.
    read = replace(read or ReadOptions(id_root=glob_root(path)), ledger=True)
    with open(path, "rb") as raw, open_decompressed(raw, path) as stream:
        for record, _ in read_records(stream, path, fmt, read):
            if isinstance(record, Rejection):
                if record.removals and (record.id == wanted or (wanted is None and fmt == "html")):
                    raise NoArticle(record)
                if wanted is not None and record.id == wanted:
                    raise ExplainError(f"{wanted} in {path} cannot be read: {record.reason}: {record.detail}")
                continue
            if wanted is None or record.id == wanted:
                found.append(record)
                if wanted is not None or len(found) > 1:
                    break
    if not found:
        raise NoSuchDocument(f"no document {wanted!r} in {path}" if wanted else f"no readable document in {path}")
    if len(found) > 1:
        raise ExplainError(f"{path} holds more than one document: name one with --id")
    return found[0]


def find_in_run(run: JobConfig, path: str | None, wanted: str | None) -> Article:
    """The article ``wanted`` as the run read it: from ``path``, or from the one file of the run's input that
    holds it (ids name their file: ``wire.jsonl@340``, or a record's own id, looked for in every file)."""
    read = replace(run.read, id_root=glob_root(run.input_pattern))
    if path:
        return find_article(path, wanted, run.input_format, read)
    paths = sorted(m.path for m in FileSystems.match([run.input_pattern])[0].metadata_list)
    if wanted is None and len(paths) != 1:
        raise ExplainError(f"the run read {len(paths)} files ({run.input_pattern}): name the document with --id")
    for candidate in paths:
        try:
            return find_article(candidate, wanted, run.input_format, read)
        except NoSuchDocument:
            continue
    raise ExplainError(f"no document {wanted!r} in the run's input {run.input_pattern}")


def explain(article: Article, cleaner: Cleaner, out: TextIO, color: bool) -> None:
    """Clean ``article`` and print how, whether it came out clean or rejected."""
    if not cleaner.options.ledger:
        raise ValueError("explain needs a cleaner with the ledger on")
    paint = _painter(color)
    where = shown(article.source) + (f", {shown(article.url)}" if article.url else "")
    out.write(paint(_BOLD, shown(article.id)) + f"  ({where})\n")
    if article.removals:
        _write_extraction(out, article.removals, paint)
    drafts: list[Draft] = []
    seen = [0]

    def report_step(step: Step, draft: Draft) -> None:
        drafts.append(draft)
        removals = draft.ledger.removals[seen[0]:] if draft.ledger else []
        seen[0] += len(removals)
        causes = Counter(removal.cause for removal in removals)
        did = ", ".join(f"{shown(cause)} x{count}" for cause, count in causes.items()) or "nothing removed"
        flagged = draft.stats.get("truncated") if step.name == "truncated" else None
        out.write(f"  {len(drafts)}. {step.name:<17} {did}; {len(draft.body):,} characters of body"
                  f"{f', title {draft.title!r}' if step.name == 'headline' else ''}"
                  f"{'; flagged: ' + shown(flagged['evidence']) if flagged else ''}\n")

    try:
        clean = cleaner.clean(article, report_step)
    except Rejected as error:
        out.write(paint(_BOLD, f"rejected: {error.reason}") + f" ({error.stage}): {shown(error.detail)}\n")
        # No ledger when normalisation itself rejected the text: nothing was normalised to mark.
        ledger = drafts[-1].ledger if drafts else None
        if ledger:
            _write_marked(out, ledger.normalised, ledger.in_order(), paint)
        return
    out.write(paint(_BOLD, "clean") + f": title {clean.title!r}, {len(clean.text):,} characters of text\n")
    ledger = drafts[-1].ledger
    if ledger:   # always, with the ledger on
        _write_marked(out, ledger.normalised, clean.removals, paint)
    out.write(f"\nclean text (title {clean.title!r}):\n\n{shown(clean.text, lines=True)}\n")


def _write_marked(out: TextIO, normalised: str, removals: Sequence[Removal], paint) -> None:
    out.write(f"\nnormalised text, {len(removals)} removal(s) marked [-removed-]{{rule}}:\n\n")
    at = 0
    for removal in removals:
        out.write(shown(normalised[at:removal.start], lines=True))
        out.write(paint(_RED_STRUCK, f"[-{shown(removal.text, lines=True)}-]"))
        if removal.replacement:
            out.write(paint(_DIM, f"+{shown(removal.replacement, lines=True)}+"))
        out.write(paint(_YELLOW, f"{{{shown(removal.cause)}}}"))
        at = max(at, removal.end)
    out.write(shown(normalised[at:], lines=True) + "\n\n")
    if removals:
        out.write("removals (offsets in the normalised text, as in removed-*):\n")
    # Line numbers by bisecting the line starts: counting newlines from the top for each removal was quadratic
    # (27 s for 40,000 removals).
    line_starts = [0] + [match.end() for match in re.finditer("\n", normalised)]
    for removal in removals:
        line = bisect.bisect_right(line_starts, removal.start)
        snippet = removal.text if len(removal.text) <= 70 else removal.text[:67] + "..."
        score = f" score {removal.score:.3f}" if removal.score is not None else ""
        out.write(f"  {removal.step}/{shown(removal.cause)}{score}  [{removal.start}:{removal.end}] line {line}  "
                  f"{snippet!r}\n")


def explain_no_article(rejection: Rejection, out: TextIO, color: bool) -> None:
    """A page rejected for having no article: the rejection, and what its extraction left out."""
    paint = _painter(color)
    where = shown(rejection.source) + (f", {shown(rejection.url)}" if rejection.url else "")
    out.write(paint(_BOLD, shown(rejection.id or rejection.source)) + f"  ({where})\n")
    _write_extraction(out, rejection.removals, paint)
    out.write(paint(_BOLD, f"rejected: {rejection.reason}") + f" ({rejection.stage}): {shown(rejection.detail)}\n")


def _write_extraction(out: TextIO, removals: Sequence[Removal], paint) -> None:
    """What a page's extraction left out: per cause, then each removal (offsets into the page's full text, the
    text ``--html_mode full`` gives) with the tag path of its element."""
    causes = Counter(removal.cause for removal in removals)
    out.write(f"  0. extract           {', '.join(f'{shown(cause)} x{count}' for cause, count in causes.items())}; "
              f"offsets into the page's full text (--html_mode full):\n")
    for removal in removals:
        snippet = removal.text if len(removal.text) <= 70 else removal.text[:67] + "..."
        out.write(f"     {paint(_YELLOW, shown(removal.cause))}  [{removal.start}:{removal.end}]  "
                  f"{shown(removal.path or '')}  {paint(_RED_STRUCK, shown(repr(snippet)))}\n")


def _plain(_code: str, text: str) -> str:
    return text


def _coloured(code: str, text: str) -> str:
    return f"{code}{text}{_RESET}"


def _painter(color: bool):
    return _coloured if color else _plain


def main(args: Args, _beam_args: list[str]) -> int:
    """With ``--run``, the rules, options and input of that run (its summary.json's provenance)."""
    try:
        return _main(args, run_config(args.run, "--run") if args.run else None)
    except NoArticle as page:
        explain_no_article(page.rejection, sys.stdout, _color(args.color))
        return 0


def _main(args: Args, run: JobConfig | None) -> int:
    if run is not None:
        if (args.rules or args.no_bundled_rules or args.input_format != "auto"
                or clean_options(args) != CleanOptions()):
            raise ExplainError("--run takes the rules, options and input format of the run; --rules, "
                               "--no_bundled_rules, the cleaning options and --input_format are for a document "
                               "explained on its own")
        if not (args.input or args.id):
            raise ExplainError("--run needs the document: --id ID (and --input FILE if ids repeat across files)")
        article = find_in_run(run, args.input, args.id)
        cleaner = Cleaner(run.rules, replace(run.clean, ledger=True))
        return _explained(article, cleaner, args.color)
    rules = loaded_rules(args)
    if args.input:
        if args.url or args.title:
            raise ExplainError("--url and --title are for text on standard input; --input records carry their own")
        article = find_article(args.input, args.id, args.input_format)
    else:
        text = sys.stdin.read()
        article = Article(id=args.id or STDIN_ID, text=text, source="<stdin>", url=args.url, title=args.title)
    return _explained(article, Cleaner(rules, clean_options(args, ledger=True)), args.color)


def _explained(article: Article, cleaner: Cleaner, color_choice: str) -> int:
    explain(article, cleaner, sys.stdout, _color(color_choice))
    return 0


def _color(choice: str) -> bool:
    return choice == "always" or (choice == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
