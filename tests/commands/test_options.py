"""Each group of shared flags is declared once (pipeline/commands/options.py): every command that takes a flag of a group
takes the group's own definition, and every command that cleans takes the whole rules and cleaning groups, so
`mine` and `explain` clean with the flags `run` cleans with."""

import argparse

import pytest

from pipeline.commands import cli, mine
from pipeline.commands.cli import build_parser
from pipeline.commands.mine import mine_config
from pipeline.commands.options import (
    RUN_OUTPUT_HELP,
    add_cleaning_options,
    add_input_options,
    add_job_options,
    add_output_options,
    add_rules_options,
)

GROUPS = {"input": add_input_options, "rules": add_rules_options, "cleaning": add_cleaning_options,
          # run's: its --output is required, with its help.
          "output": lambda parser: add_output_options(parser, RUN_OUTPUT_HELP, output_required=True),
          "job": lambda parser: add_job_options(parser, RUN_OUTPUT_HELP, output_required=True)}
# Flags that share a group flag's name but mean something else, each for its reason.
OWN = {
    ("explain", "--input"): "one local file holding the document, or none for standard input",
    ("explain", "--input_format"): "explain reads one file: its format, without the glob's other input flags",
    ("rules cost", "--input"): "the articles to time the rules on",
    ("eval", "--output"): "where eval's outputs and report go, a new temporary folder when not given",
    ("mine", "--output"): "the folder of drafted rule files",
    ("mine", "--overwrite"): "replaces a previous mining run's drafts",
    ("audit", "--output_format"): "the run's format, from its summary.json unless given",
    **{(f"rules {name}", "--no_bundled_rules"): "the rule paths are positional there"
       for name in ("test", "list", "cost")},
}
CLEANING_COMMANDS = ("run", "eval", "mine", "explain")


def commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                found[full] = sub
                found.update(commands(sub, full))
    return found


def definition(action: argparse.Action) -> tuple:
    return (type(action), action.dest, tuple(action.option_strings), action.type, action.default, action.choices,
            action.help, action.metavar, action.nargs, action.const, action.required)


def group_flags(add) -> dict[str, argparse.Action]:
    parser = argparse.ArgumentParser(add_help=False)
    add(parser)
    return {action.option_strings[0]: action for action in parser._actions}


COMMANDS = commands(build_parser())


@pytest.mark.parametrize("group", GROUPS)
def test_a_command_that_takes_a_flag_of_a_group_takes_the_groups_definition(group):
    reference = group_flags(GROUPS[group])
    restated = []
    for name, parser in COMMANDS.items():
        for action in parser._actions:
            flag = action.option_strings[0] if action.option_strings else None
            if flag in reference and (name, flag) not in OWN and definition(action) != definition(reference[flag]):
                restated.append(f"{name} {flag}")
    assert restated == []


@pytest.mark.parametrize("command", CLEANING_COMMANDS)
def test_every_command_that_cleans_takes_the_whole_rules_and_cleaning_groups(command):
    flags = {action.option_strings[0] for action in COMMANDS[command]._actions if action.option_strings}
    for group in ("rules", "cleaning"):
        assert set(group_flags(GROUPS[group])) <= flags, group


def test_the_input_group_is_the_same_for_run_eval_and_mine():
    reference = set(group_flags(add_input_options))
    for command in ("run", "eval", "mine"):
        assert reference <= {action.option_strings[0] for action in COMMANDS[command]._actions if action.option_strings}


def test_mine_cleans_with_the_cleaning_flags_run_takes():
    args = build_parser().parse_args(["mine", "--input", "fixtures/raw/*", "--output", "unused", "--straight_quotes",
                                      "--unicode_form", "NFKC", "--languages", "en", "--truncated", "reject",
                                      "--line_model", "on", "--no_headline_line"], namespace=mine.Args())
    clean = mine_config(args).clean
    assert (clean.normalize.straight_quotes, clean.normalize.unicode_form, clean.languages, clean.truncated,
            clean.line_model, clean.first_line_is_headline) == (True, "NFKC", ("en",), "reject", True, False)


def annotated(args_type: type) -> set[str]:
    return {name for klass in args_type.__mro__ for name in vars(klass).get("__annotations__", {})}


def destinations(parser: argparse.ArgumentParser) -> set[str]:
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.add(action.dest)
            for sub in action.choices.values():
                found |= destinations(sub)
        elif action.dest != "help":
            found.add(action.dest)
    return found


@pytest.mark.parametrize("command", cli.COMMANDS)
def test_each_commands_args_type_names_exactly_the_flags_its_parser_fills(command):
    # What mypy checks a command's main against is what the parser gives it: no flag untyped, no type without a flag.
    assert annotated(cli.COMMANDS[command].Args) == destinations(COMMANDS[command])


@pytest.mark.parametrize("argv", [["audit", "out"], ["rules", "test"], ["run", "--input", "x", "--output", "y"]])
def test_the_command_line_parses_into_the_commands_args_type(argv):
    args, _ = cli.parse(build_parser(), argv)
    assert type(args) is cli.COMMANDS[argv[0]].Args
