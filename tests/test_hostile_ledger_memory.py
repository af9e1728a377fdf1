"""Hostile input, round 3 (issue 25), cases 5 and 11: the ledger names a document once, and ``report`` reads a
run a record at a time, so what one hostile document holds is written and shown once, not once per removal."""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

from pipeline.commands.report.runs import load_run
from tests.conftest import IN_PROCESS, read_output, run_cli

HUGE = 1_000_000
REMOVALS = 500


def _text(removals: int) -> str:
    """A story with ``removals`` lines the bundled rules remove, one after each paragraph."""
    paragraphs = [f"Paragraph {i} of the council's budget story, with the vote counted at the end of the night."
                  for i in range(removals)]
    cruft = ["Advertisement", "Loading comments..."]
    return "Council votes on budget\n\n" + "\n\n".join(f"{p}\n\n{cruft[i % 2]}" for i, p in enumerate(paragraphs))


def _run(tmp_path: Path, records: list[dict]) -> Path:
    source = tmp_path / "input.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("run", "--input", str(source), "--output", str(out), "--ledger", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    return out


def test_the_ledger_names_a_document_once_and_the_report_shows_its_id_cut_short(tmp_path: Path):
    # One document with a 1 MB id and a 1 MB URL, and 500 lines the bundled rules remove.
    out = _run(tmp_path, [{"id": "i" * HUGE, "url": "https://example.com/" + "p" * HUGE, "text": _text(REMOVALS)}])
    (entry,) = read_output(out, "removed")
    assert len(entry["id"]) == HUGE and len(entry["removals"]) == REMOVALS
    assert [r["cause"] for r in entry["removals"][:2]] == ["advertisement-line", "comment-widget"]
    ledger_bytes = sum(shard.stat().st_size for shard in out.glob("removed-*"))
    # The id and URL once (2 MB), then 500 removals of a line with 160 characters of context: was 1.0 GB.
    assert ledger_bytes < 2 * HUGE + REMOVALS * 400

    done = run_cli("report", str(out))
    assert done.returncode == 0, done.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert len(page) < 200_000   # was 504 MB: the id in every sample, whole
    assert "i" * 200 + "… (999,800 more characters)" in page
    counts = dict(re.findall(r"data-count='([^']+)'>([^<]+)<", page))
    assert (counts["hits.advertisement-line"], counts["hits.comment-widget"]) == ("250", "250")


def test_the_report_holds_a_few_records_of_the_run_it_reads_not_its_ledger(tmp_path: Path):
    out = _run(tmp_path, [{"id": f"doc-{number}", "text": _text(50)} for number in range(300)])
    ledger_bytes = sum(shard.stat().st_size for shard in out.glob("removed-*"))
    tracemalloc.start()
    try:
        run = load_run(str(out))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (run.rules[0].hits, run.rules[0].documents) == (7500, 300)
    # 15,000 removals as Python dicts took several times the ledger's bytes when the report held them all.
    assert peak < ledger_bytes / 4, (peak, ledger_bytes)
