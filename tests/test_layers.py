"""The house's rules that prose alone cannot keep: the cleaning core never imports Beam, and no module imports
one that imports it back (also inside a function: an import deferred to break a circle is still one).

Text work is plain functions (normalising, rules, steps, readers, pages, the ledger, dedup's text side...) that a
notebook, a test or another engine can call without Beam; the Beam layer (transforms, the job, writers, runners)
and the commands (cli, explain, report, mine, the Flex Template launcher) are built on it. Every module of the
package is core unless it is listed below, so a new module is checked the day it is added.
"""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pipeline

BEAM_LAYER = {
    # Beam: the pipeline, its transforms, the output writers and the runners.
    "pipeline.job", "pipeline.outputs", "pipeline.transforms", "pipeline.transforms.accounting",
    "pipeline.transforms.cleaning", "pipeline.transforms.reading", "pipeline.dedup_transforms",
    "pipeline.site_repeat_transforms", "pipeline.mine.transforms", "pipeline.runners", "pipeline.runners.dask",
    "pipeline.writers", "pipeline.writers.base", "pipeline.writers.jsonl", "pipeline.writers.parquet",
    # Rule files are read through Beam's filesystems, so a bucket path works as a local one does.
    "pipeline.rules.files",
    # The commands.
    "pipeline.__main__", "pipeline.arguments", "pipeline.cli", "pipeline.explain", "pipeline.flex_template",
    "pipeline.mine.command", "pipeline.options", "pipeline.report", "pipeline.report.compare", "pipeline.report.html",
    "pipeline.report.runs",
}
MODULES = sorted(module.name for module in pkgutil.walk_packages(pipeline.__path__, "pipeline."))
CORE = [name for name in MODULES if name not in BEAM_LAYER]

# Imports the modules one by one in a fresh interpreter and names the first after which Beam is loaded.
PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    if "apache_beam" in sys.modules:
        print(name)
        break
"""


def test_every_listed_beam_module_exists():
    assert set(MODULES) >= BEAM_LAYER


def test_the_core_imports_without_beam():
    done = subprocess.run([sys.executable, "-c", PROBE, *CORE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{done.stdout.strip()} (or a module it imports) loads apache_beam: the core must not"
    assert "pipeline.clean" in CORE and "pipeline.line_model" in CORE


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
