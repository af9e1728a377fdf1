"""Command line: ``python -m pipeline run|eval|mine|audit|explain|report|rules test|list|cost``.

This module only builds the parser from the commands (``pipeline/commands/``: one module per command, each with
``HELP``, ``TAKES_BEAM_OPTIONS``, ``Args``, ``add_arguments()`` and ``main(args, beam_args)``) and dispatches.
The flags several commands share are declared once, in ``pipeline.commands.options``. A command that runs Beam
takes any other flag only if it is one of Beam's pipeline options (``--runner``, ``--direct_num_workers``,
``--project``...); one that is not is an error, before anything is read.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import logging
import os
import sys
from types import ModuleType
from typing import Any

from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.outputs import OutputError
from pipeline.beam.runners import wants_dask
from pipeline.commands import audit, explain, mine, report, rules, run
from pipeline.commands import eval as eval_
from pipeline.commands.options import ConfigError, job_option_names
from pipeline.core.rules import RuleError
from pipeline.core.terminal import shown

COMMANDS: dict[str, ModuleType] = {
    "run": run, "eval": eval_, "mine": mine, "audit": audit, "explain": explain, "report": report, "rules": rules,
}
# What a command raises for a problem the user can fix: printed as one error line, exit status 2.
USER_ERRORS = (ConfigError, OutputError, explain.ExplainError, report.ReportError)


def unknown_flags(flags: list[str]) -> list[str]:
    """What in ``flags`` no options class of Beam's (nor the job's ``JobOptions``) defines, parsed by the parser
    Beam itself builds; Beam would only log "Discarding unparseable args" and run with defaults."""
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", allow_abbrev=False, description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        epilog = "Any other --flag must be one of Beam's pipeline options." if command.TAKES_BEAM_OPTIONS else None
        command.add_arguments(commands.add_parser(name, allow_abbrev=False, help=command.HELP, epilog=epilog))
    return parser


def _check_flags(parser: argparse.ArgumentParser, args: argparse.Namespace, extra: list[str], argv: list[str]) -> None:
    """Refuse, before anything is read, a flag given twice, one the command does not take, one neither the job nor
    Beam defines."""
    if repeated := repeated_flags(parser, argv):
        parser.error(f"argument {repeated[0]}: given more than once; it takes one value (only a list flag "
                     "such as --rules may repeat)")
    if not COMMANDS[args.command].TAKES_BEAM_OPTIONS:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)} ({args.command} takes no Beam options)")
        return
    if wants_dask(extra):
        try:   # registers Beam's Dask options (--dask_client_address...) before the flags are checked
            importlib.import_module("pipeline.beam.runners.dask")
        except ImportError as error:
            parser.error(f"the Dask runner needs the dask extra: pip install 'newsclean[dask]' ({error})")
    if unknown := unknown_flags(extra):
        parser.error(f"unrecognized arguments: {' '.join(unknown)} (neither a job flag nor a Beam pipeline option)")
    # JobOptions knows every flag of 'run', so Beam's parser takes them; 'mine' would ignore them.
    if args.command == "mine" and (stray := [flag for flag in extra if flag.startswith("--")
                                             and flag[2:].split("=")[0] in job_option_names()]):
        parser.error(f"unrecognized arguments: {' '.join(stray)} (a flag of 'run', not of 'mine')")


def parse(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[Any, list[str]]:
    """``argv`` parsed into its command's ``Args`` (what mypy checks the command's ``main`` against), and the
    flags left for Beam (``Any``: which ``Args`` depends on the words). The parser has no flag of its own but --help,
    so the first word is the command."""
    named = COMMANDS.get(next((token for token in argv if not token.startswith("-")), ""))
    return parser.parse_known_args(argv, namespace=named.Args() if named else None)


def main(argv: list[str] | None = None, launch_only: bool = False) -> int:
    """The command line; ``launch_only``: submit the job and return, never wait (the Flex Template launcher)."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    args, extra = parse(parser, argv)
    _check_flags(parser, args, extra, argv)
    logging.basicConfig(level=logging.WARNING, force=True)
    # Beam's Dataflow client logs the job's id and console URL at INFO.
    logging.getLogger("apache_beam.runners.dataflow").setLevel(logging.INFO)
    try:
        if args.command == "run":
            return run.main(args, extra, launch_only)
        return COMMANDS[args.command].main(args, extra)
    except RuleError as error:
        for problem in error.problems:
            print(f"error: {shown(problem, lines=True)}", file=sys.stderr)
        return 2
    except USER_ERRORS as error:
        print(f"error: {shown(str(error), lines=True)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of the output went away (`newsclean explain ... | head`): stop quietly, as cat does. Standard
        # output now points at /dev/null, so Python's flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
