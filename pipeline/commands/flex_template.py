"""Dataflow Flex Template: the launcher's entry point and the template's metadata.

The launcher image runs this file with every template parameter as --name=value,
which is exactly ``python -m pipeline run``, except that it submits the job and returns
without waiting (the job writes its own summary.json; see deploy/Dockerfile). The metadata
is generated from the command line's own parser, so the two cannot drift:

    python -m pipeline.commands.flex_template metadata > deploy/metadata.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import cast

from pipeline.commands import arguments, cli, options

# Validation regexes by the type the command line parses a value with.
_REGEX_BY_TYPE = {
    arguments.boolean: "^(true|false)$",
    arguments.positive_float: r"^([0-9]+\.?[0-9]*|\.[0-9]+)$",
    arguments.positive_int: "^[1-9][0-9]*$",
    arguments.share: r"^(0?\.[0-9]*[1-9][0-9]*|1(\.0*)?)$",
    arguments.path_list: "^[^,]+(,[^,]+)*$",
    arguments.dedup_threshold: r"^0?\.[0-9]*[1-9][0-9]*$",   # below 1; the launcher checks the upper limit
    arguments.language_list: "^ *[A-Za-z]{2,3} *(, *[A-Za-z]{2,3} *)*$",   # the launcher checks them against the model's
}


def run_options() -> list[argparse.Action]:
    """The options of ``python -m pipeline run`` (argparse has no public way to list them)."""
    parser = argparse.ArgumentParser(add_help=False)
    options.add_job_options(parser, output_help=options.RUN_OUTPUT_HELP, output_required=True)
    return [action for action in parser._actions if action.option_strings]


def _regex(action: argparse.Action) -> str:
    if action.choices:
        return "^(" + "|".join(action.choices) + ")$"
    return _REGEX_BY_TYPE.get(cast(Callable, action.type), "^.+$")


def metadata() -> dict:
    return {
        "name": "newsclean",
        "description": "Clean scraped news articles (text, JSONL, HTML, Parquet, WARC) into JSONL or Parquet, "
                       "with a rejected output for every record that could not be cleaned.",
        "parameters": [
            {
                "name": action.dest,
                "label": action.dest.replace("_", " ").capitalize(),
                "helpText": action.help,
                "isOptional": not action.required,
                "regexes": [_regex(action)],
            }
            for action in run_options()
        ],
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["metadata"]:
        print(json.dumps(metadata(), indent=2, ensure_ascii=False))
        return 0
    return cli.main(["run", *argv], launch_only=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
