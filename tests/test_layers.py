"""The house's rules that prose alone cannot keep: three layers, each importing only those below it, and no
module importing one that imports it back (also inside a function: an import deferred to break a circle is still
one).

``pipeline.core`` is the text work (normalising, rules, steps, readers, pages, the ledger, dedup's text side...)
that a notebook, a test or another engine can call without Beam; ``pipeline.beam`` (transforms, the job, outputs,
writers, runners) is built on it, and ``pipeline.commands`` (cli and each command, the Flex Template launcher) on
both. A new module is checked the day it is added, by the package it is put in.
"""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pipeline

MODULES = sorted(module.name for module in pkgutil.walk_packages(pipeline.__path__, "pipeline."))
LAYERS = ("pipeline.core", "pipeline.beam", "pipeline.commands")
CORE = [name for name in MODULES if name.startswith("pipeline.core")]

# Imports the modules one by one in a fresh interpreter and names the first after which Beam is loaded.
PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    if "apache_beam" in sys.modules:
        print(name)
        break
"""


def layer_of(name: str) -> int:
    """0 for the core, 1 for the Beam layer, 2 for the commands; the package's own root and ``__main__`` sit
    above them all."""
    for rank, layer in enumerate(LAYERS):
        if name == layer or name.startswith(layer + "."):
            return rank
    return len(LAYERS)


def test_every_module_is_in_a_layer():
    assert [name for name in MODULES if layer_of(name) == len(LAYERS)] == ["pipeline.__main__"]


def test_the_core_imports_without_beam():
    done = subprocess.run([sys.executable, "-c", PROBE, "pipeline", *CORE], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{done.stdout.strip()} (or a module it imports) loads apache_beam: the core must not"
    assert "pipeline.core.clean" in CORE and "pipeline.core.line_model" in CORE


def test_each_layer_says_what_lives_there_and_what_it_may_import():
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse(Path(pipeline.__file__).parent.joinpath(layer.split(".")[1], "__init__.py")
                                          .read_text(encoding="utf-8")))
        assert doc and "import" in doc, layer


def imports_of(name: str) -> set[str]:
    """The package's modules that module ``name`` imports, anywhere in it."""
    path = Path(pipeline.__file__).parent.joinpath(*name.split(".")[1:])
    source = (path / "__init__.py") if path.is_dir() else path.with_suffix(".py")
    found = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
            found |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                      for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "pipeline"}
    return {module for module in found if module in MODULES and module != name}


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [f"{name} -> {target}" for name in MODULES for target in imports_of(name)
              if layer_of(target) > layer_of(name) and layer_of(name) < len(LAYERS)]
    assert upward == []


def test_no_module_imports_one_that_imports_it_back():
    graph = {name: imports_of(name) for name in MODULES}
    circles = []
    for start in MODULES:
        # Every module reachable from start; a path back to start is a circle.
        stack: list[tuple[str, tuple[str, ...]]] = [(start, (start,))]
        seen = {start}
        while stack:
            node, path = stack.pop()
            for target in graph[node]:
                if target == start:
                    circles.append(" -> ".join((*path, start)))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, (*path, target)))
    assert circles == []
