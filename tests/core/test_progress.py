"""Progress on long work: counts the DoFns of a local run keep, and the lines ``run``, ``mine`` and ``report`` print."""

import json
import re

from pipeline.core.progress import BYTES, CLEAN, FILES, READ, ProgressFile, ProgressTarget, read_progress
from tests.conftest import run_cli

LINE = re.compile(r"progress \d+:\d\d:\d\d: ([\d,]+) documents read, ([\d,]+) clean, ([\d,]+) rejected; "
                  r"[\d.]+ MB read, [\d.]+ MB/s; (\d+) of (\d+) input files done")


def test_counts_of_several_workers_add_up_and_a_file_read_in_parts_counts_once_whole(tmp_path):
    target = ProgressTarget(str(tmp_path), every=3600)
    first, second = ProgressFile(target), ProgressFile(target)
    first.add(READ, 3)
    first.add(BYTES, 300)
    first.file_part("big.jsonl", 600, 1000)   # two ranges of one file, read by two workers
    first.file_part("small.txt", 10, 10)      # a file read whole
    second.add(READ, 2)
    second.add(CLEAN, 4)
    first.write()
    second.write()
    assert read_progress(str(tmp_path)) == {READ: 5, BYTES: 300, CLEAN: 4, FILES: 1}
    second.file_part("big.jsonl", 400, 1000)
    second.write()
    assert read_progress(str(tmp_path))[FILES] == 2


def test_run_prints_progress_lines_that_end_with_the_runs_totals(tmp_path):
    done = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path / "out"), "--progress_every", "0.2")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("progress ")]
    assert lines and all(LINE.fullmatch(line) for line in lines), done.stderr
    # The last line is written after the job ends: every document and file of the summary is in it.
    assert LINE.fullmatch(lines[-1]).groups() == ("9", "7", "2", "4", "4")   # type: ignore[union-attr]
    assert "documents: 9 read, 7 clean, 2 rejected" in done.stdout


def test_quiet_prints_no_progress_and_a_short_job_prints_none_by_default(tmp_path):
    quiet = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path / "a"), "--progress_every", "0.2",
                    "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert "progress " not in quiet.stderr
    default = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path / "b"))
    assert default.returncode == 0, default.stderr
    assert "progress " not in default.stderr   # shorter than the 10 s of one line


def test_mine_prints_progress_and_a_bad_interval_is_refused(tmp_path):
    mined = run_cli("mine", "--input", "fixtures/raw/*", "--output", str(tmp_path / "drafts"), "--progress_every",
                    "0.2")
    assert mined.returncode == 0, mined.stderr
    lines = [line for line in mined.stderr.splitlines() if line.startswith("progress ")]
    assert lines and LINE.fullmatch(lines[-1]).groups()[0] == "9", mined.stderr   # type: ignore[union-attr]
    refused = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path / "c"), "--progress_every", "0")
    assert refused.returncode == 2
    assert "--progress_every" in refused.stderr


def test_report_prints_progress_in_records_and_shards_of_the_run_it_reads(tmp_path):
    # A run whose report takes about a second (15,000 removals), many lines of 0.05 s: a report shorter than
    # one line prints none, by design.
    source = tmp_path / "input.jsonl"
    paragraphs = "\n\n".join(f"Paragraph {i} of the council's budget story, counted at night.\n\nAdvertisement"
                               for i in range(50))
    source.write_text("".join(json.dumps({"id": f"doc-{n}", "text": f"Council votes\n\n{paragraphs}"}) + "\n"
                              for n in range(300)) + "{not json\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("run", "--input", str(source), "--output", str(out), "--ledger", "--quiet").returncode == 0
    shards = [path for kind in ("clean", "removed", "rejected") for path in out.glob(f"{kind}-*")]
    records = sum(1 for path in shards for line in path.read_text(encoding="utf-8").splitlines() if line)
    done = run_cli("report", str(out), "--progress_every", "0.05")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("progress ")]
    assert lines, done.stderr
    last = re.fullmatch(r"progress \d+:\d\d:\d\d: (\d+) records read, (\d+) clean, (\d+) rejected; "
                        r"[\d.]+ MB read, [\d.]+ MB/s; (\d+) shards done", lines[-1])
    assert last and last.groups() == (str(records), "300", "1", str(len(shards))), lines[-1]
    quiet = run_cli("report", str(out), "--progress_every", "0.05", "--quiet")
    assert quiet.returncode == 0 and "progress " not in quiet.stderr
