import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline.commands.cli import main
from pipeline.commands.report.runs import located
from pipeline.core.readers import detect_format
from pipeline.core.readers.compression import open_decompressed

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
RAW = FIXTURES / "raw"
EXPECTED = FIXTURES / "expected"
BUNDLED_RULES = REPO / "rules"
# Pinned so a machine with a cached Prism binary runs the same engine as offline CI.
IN_PROCESS = ["--runner=FnApiRunner"]
PORTABLE_SUBPROCESS_WORKERS = [
    "--runner=PortableRunner",
    "--job_endpoint=embed",
    "--environment_type=beam:env:harness_subprocess_python:v1",
    f"--environment_config={sys.executable} -m apache_beam.runners.worker.sdk_worker_main",
]

# A valid rule file with one rule, for tests to vary.
RULE_TOML = '''
[[rules]]
name = "ad-line"
description = "An advertisement placeholder line."
pattern = '^ADVERTISEMENT$'
flags = ["MULTILINE"]
keep = ["Advertisement revenue fell."]

[[rules.examples]]
input = "One.\\n\\nADVERTISEMENT\\n\\nTwo."
output = "One.\\n\\nTwo."
'''


def read_jsonl(path: Path) -> list[dict]:
    # "\n" only, as JSON Lines means: str.splitlines also splits at U+2028 or U+0085 inside a string.
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def sort_records(records: list[dict]) -> list[dict]:
    """Beam's order is undefined: compare by id, then by line for records without one."""
    return sorted(records, key=lambda r: (r.get("id") is None, r.get("id") or "", r.get("line") or 0))


def read_output(output_dir: Path, kind: str) -> list[dict]:
    return sort_records([r for shard in sorted(output_dir.glob(f"{kind}-*.jsonl")) for r in read_jsonl(shard)])


def read_removals(output_dir: Path) -> list[dict]:
    """The ledger's removals, each with its document's id, input file and line (as the report shows them)."""
    return [located(entry, removal) for entry in read_output(output_dir, "removed") for removal in entry["removals"]]


def line_number(record: dict) -> int | None:
    """A record's line number in its input file: JSONL records say where their line starts as a byte offset
    (readers/jsonl.py), which the tables of expected outcomes would be unreadable in."""
    path = record["input_file"]
    if record.get("line") is None or detect_format(path) != "jsonl":
        return record.get("line")
    with open(path, "rb") as raw, open_decompressed(raw, path) as stream:
        return stream.read(record["line"]).count(b"\n") + 1


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` in this process (starting Python and Beam again adds nothing to most tests)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(list(args))
        except SystemExit as exit:   # argparse's errors
            code = exit.code if isinstance(exit.code, int) else 1
    return subprocess.CompletedProcess(["python", "-m", "pipeline", *args], code, stdout.getvalue(), stderr.getvalue())


def run_cli_process(*args: str, cwd: Path = REPO, timeout: float = 300, **popen) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` in a new process: for runners that start worker processes, and jobs that must
    not take the test-suite down with them (a hang, a resource limit); ``popen`` goes to ``subprocess.run``."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, **popen)


@pytest.fixture
def write_rule_file(tmp_path):
    """Write TOML text into a fresh rules folder and return the folder."""
    folder = tmp_path / "rules"
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write


settings.register_profile("ci", max_examples=150, derandomize=True, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=5000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
