"""Hostile input, round 3 (issue 25), cases 5 and 11: the ledger names a document once, and ``report`` reads a
run a record at a time, so what one hostile document holds is written and shown once, not once per removal."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import IN_PROCESS, read_output, run_cli

HUGE = 1_000_000
REMOVALS = 500


def _hostile_run(tmp_path: Path) -> Path:
    """One document with a 1 MB id and a 1 MB URL, and 500 lines the bundled rules remove."""
    paragraphs = [f"Paragraph {i} of the council's budget story, with the vote counted at the end of the night."
                  for i in range(REMOVALS)]
    cruft = ["Advertisement", "Loading comments..."]
    text = "Council votes on budget\n\n" + "\n\n".join(f"{p}\n\n{cruft[i % 2]}" for i, p in enumerate(paragraphs))
    record = {"id": "i" * HUGE, "url": "https://example.com/" + "p" * HUGE, "text": text}
    source = tmp_path / "huge.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("run", "--input", str(source), "--output", str(out), "--ledger", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    return out


def test_the_ledger_names_a_document_once_and_the_report_shows_its_id_cut_short(tmp_path: Path):
    out = _hostile_run(tmp_path)
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
