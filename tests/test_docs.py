"""The documentation cannot drift from the code: its runnable examples are run, its flags exist, its links resolve.

The convention (README.md, "Runnable examples"): a fenced block whose info string is ``console`` is runnable.
Each of its lines starting with ``$ `` is a command (a trailing ``\\`` continues it on the next line), run with
bash in a temporary folder that links the repository's ``fixtures/`` and ``rules/``, with this environment's
``newsclean`` first on PATH; it must exit 0. The lines under a command are output it must print (each one,
stripped, somewhere in its stdout or stderr; a line ``...`` stands for what the doc leaves out). The blocks of one
file run in order in one folder, so a block can read what an earlier one wrote. Blocks that need a corpus, a
bucket or a cluster are ``sh`` blocks: not run, but every ``--flag`` a ``newsclean`` command in them shows must be
one the command (or, for ``run``, ``eval`` and ``mine``, Beam) defines.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import itertools
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.commands.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "deploy" / "README.md"]
FENCE = re.compile(r"^( *)(```+)(.*)$")


@dataclass
class Block:
    info: str
    start: int          # the line number of its opening fence, 1-based
    lines: list[str]


@dataclass
class Command:
    text: str
    line: int
    shown: list[str]


def blocks(text: str) -> list[Block]:
    """The fenced code blocks of a Markdown text, indented ones (in list items) included.

    >>> [(b.info, b.start, b.lines) for b in blocks("a\\n```sh\\nx\\n```\\n  ```console\\n  $ y\\n  ```\\n")]
    [('sh', 2, ['x']), ('console', 5, ['$ y'])]
    >>> blocks("no code here")
    []
    """
    found: list[Block] = []
    current: Block | None = None
    indent = fence = ""
    for number, line in enumerate(text.split("\n"), 1):
        match = FENCE.match(line)
        if current is None and match:
            indent, fence = match.group(1), match.group(2)
            current = Block(match.group(3).strip(), number, [])
        elif current is not None and match and match.group(2) == fence and not match.group(3).strip():
            found.append(current)
            current = None
        elif current is not None:
            current.lines.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
    return found


def commands(block: Block) -> list[Command]:
    """A console block's commands, each with the output lines shown under it.

    >>> [(c.text.split(), c.line, c.shown) for c in commands(Block("console", 1, ["$ a \\\\", "  --b", "out", "...", "$ c"]))]
    [(['a', '\\\\', '--b'], 2, ['out']), (['c'], 6, [])]
    """
    found: list[Command] = []
    continued = False
    for offset, line in enumerate(block.lines, 1):
        if continued:
            found[-1].text += "\n" + line
        elif line.startswith("$ "):
            found.append(Command(line[2:], block.start + offset, []))
        elif found and line.strip() and line.strip() != "...":
            found[-1].shown.append(line.strip())
        continued = line.endswith("\\") and bool(found)
    return found


def runnable(path: Path) -> list[Command]:
    return [command for block in blocks(path.read_text()) if block.info == "console" for command in commands(block)]


def _environment() -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "NO_COLOR": "1"}


@pytest.mark.parametrize("doc", [doc for doc in DOCS if runnable(doc)], ids=lambda doc: doc.name)
def test_runnable_examples_run_as_shown(doc: Path, tmp_path: Path):
    for folder in ("fixtures", "rules"):
        (tmp_path / folder).symlink_to(REPO / folder, target_is_directory=True)
    for command in runnable(doc):
        where = f"{doc.relative_to(REPO)}:{command.line}: $ {command.text}"
        done = subprocess.run(["bash", "-c", command.text], cwd=tmp_path, env=_environment(),
                              capture_output=True, text=True, timeout=300)
        printed = done.stdout + done.stderr
        assert done.returncode == 0, f"{where}\nexit {done.returncode}\n{printed[-3000:]}"
        missing = [line for line in command.shown if line not in printed]
        assert not missing, f"{where}\nshown but not printed: {missing}\nprinted:\n{printed[-3000:]}"


def _parsers() -> dict[str, argparse.ArgumentParser]:
    """Each command's parser by its name as typed (``run``, ``rules test``)."""
    found = {}
    pending = [("", build_parser())]
    while pending:
        prefix, parser = pending.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[f"{prefix}{name}"] = sub
                    pending.append((f"{prefix}{name} ", sub))
    return found


def _beam_flags() -> set[str]:
    # Beam's Dask options (--dask_client_address) register when its runner is imported, as the job does for a
    # Dask run; without the dask extra the Dask examples' flags are reported missing.
    with contextlib.suppress(ImportError):
        importlib.import_module("pipeline.beam.runners.dask")
    parsers: list[argparse.ArgumentParser] = []
    PipelineOptions([]).get_all_options(add_extra_args_fn=parsers.append)
    return set(parsers[0]._option_string_actions)


def shown_invocations(text: str) -> list[tuple[int, str]]:
    """Every ``newsclean ...`` command in any code block of a Markdown text, continuation lines joined.

    >>> shown_invocations("```sh\\nnewsclean run --input X \\\\\\n  --ledger   # note --not_a_flag\\necho\\n```")
    [(2, 'newsclean run --input X --ledger   # note --not_a_flag')]
    """
    found = []
    for block in blocks(text):
        joined: list[tuple[int, str]] = []
        for offset, line in enumerate(block.lines, 1):
            if joined and joined[-1][1].endswith("\\"):
                joined[-1] = (joined[-1][0], joined[-1][1][:-1].rstrip() + " " + line.strip())
            else:
                joined.append((block.start + offset, line))
        found += [(number, line[line.index("newsclean "):]) for number, line in joined
                  if re.search(r"(^|[$(;&|] *)newsclean ", line)]
    return found


def _flags(invocation: str) -> tuple[list[str], list[str]]:
    """The command words and the ``--flags`` of one invocation, shell comments left out."""
    try:
        tokens = shlex.split(invocation, comments=True)
    except ValueError:          # an unbalanced quote in a synopsis line
        tokens = invocation.split(" #")[0].split()
    words = list(itertools.takewhile(lambda t: re.fullmatch(r"[a-z]+", t), tokens[1:]))
    flags = [match.group(0) for token in tokens for match in [re.match(r"\[?(--[a-z][a-z0-9_-]*)", token)] if match]
    return words, [flag.lstrip("[") for flag in flags]


def test_every_flag_shown_exists():
    parsers, beam = _parsers(), _beam_flags()
    wrong = []
    for doc in DOCS:
        for number, invocation in shown_invocations(doc.read_text()):
            words, flags = _flags(invocation)
            names = [" ".join(words[:n]) for n in (2, 1) if " ".join(words[:n]) in parsers]
            if not names:
                wrong.append(f"{doc.relative_to(REPO)}:{number}: no command {' '.join(words)!r}: {invocation}")
                continue
            known = set(parsers[names[0]]._option_string_actions)
            if names[0] in ("run", "eval", "mine"):
                known |= beam
            wrong += [f"{doc.relative_to(REPO)}:{number}: {names[0]} has no {flag}" for flag in flags
                      if flag not in known]
    assert not wrong, "\n".join(wrong)


def test_the_readme_shows_the_test_command_ci_runs():
    """`.ci/run` runs the README's quick-start test command: the two must stay the same command."""
    ci = [line.split("./run_local.sh", 1)[1].split() for line in (REPO / ".ci" / "run").read_text().split("\n")
          if "./run_local.sh" in line and not line.lstrip().startswith("#")]
    assert ["test"] in ci
    quick_start = [line.split("#")[0].split() for block in blocks((REPO / "README.md").read_text())
                   if block.info == "sh" for line in block.lines]
    assert ["./run_local.sh", "test"] in quick_start and ["./run_local.sh"] in quick_start


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading.

    >>> slug("A site's repeated lines: `--site_boilerplate`")
    'a-sites-repeated-lines---site_boilerplate'
    >>> slug("Quick start")
    'quick-start'
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text()
    code = {number for block in blocks(text) for number in range(block.start, block.start + len(block.lines) + 2)}
    found: set[str] = set()
    counts: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if number not in code and (heading := re.match(r"#{1,6} (.*)", line)):
            base = slug(heading.group(1))
            found.add(f"{base}-{counts[base]}" if base in counts else base)   # GitHub numbers a repeat
            counts[base] = counts.get(base, 0) + 1
    return found


def prose(text: str) -> str:
    """The text outside code blocks and inline code, where links are links."""
    lines = text.split("\n")
    for block in blocks(text):
        for number in range(block.start - 1, min(block.start + len(block.lines) + 1, len(lines))):
            lines[number] = ""
    return re.sub(r"`[^`\n]*`", "", "\n".join(lines))


def test_every_relative_link_resolves():
    broken = []
    for doc in DOCS:
        for target in LINK.findall(prose(doc.read_text())):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            resolved = (doc.parent / file).resolve() if file else doc
            if not resolved.exists():
                broken.append(f"{doc.relative_to(REPO)}: {target}: no such file")
            elif anchor and (resolved.suffix != ".md" or anchor not in anchors(resolved)):
                broken.append(f"{doc.relative_to(REPO)}: {target}: no such heading")
    assert not broken, "\n".join(broken)


# A path into the package (`pipeline/core/clean.py`, `pipeline/beam/writers/`) or a dotted name
# (`pipeline.commands.options.JobOptions`) in the guides or BENCHMARKS.md; `pipeline.bundled_rules` exists only in
# an installed package (the top-level rules/ in a checkout).
PACKAGE_PATH = re.compile(r"(?<![\w/.])pipeline/[\w/]+(?:\.\w+)?")
DOTTED_NAME = re.compile(r"(?<![\w/.])pipeline(?:\.[A-Za-z_]\w*)+")
INSTALLED_ONLY = {"pipeline.bundled_rules"}


def _resolves(name: str) -> bool:
    """Whether ``name`` is a module of the package, or an attribute of the longest one it starts with."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            if not hasattr(found, part):
                return False
            found = getattr(found, part)
        return True
    return False


# Every guide and README of the repository (fixtures', bench's...); CHANGELOG.md is history and keeps old names.
NAMING_DOCS = sorted(path for path in REPO.glob("**/*.md") if path.name != "CHANGELOG.md"
                     and not any(part.startswith(".") or part in {"out", "build", "drafts"}
                                 for part in path.relative_to(REPO).parts))


@pytest.mark.parametrize("doc", NAMING_DOCS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_module_and_file_of_the_package_named_exists(doc: Path):
    text = doc.read_text(encoding="utf-8")
    missing = [path for path in PACKAGE_PATH.findall(text) if not (REPO / path.rstrip("/")).exists()]
    missing += [name for name in DOTTED_NAME.findall(text) if name not in INSTALLED_ONLY and not _resolves(name)]
    assert missing == []
