"""Hostile input, round 3 (issue 25), cases 3, 10 and 12: what the input or the options hold can never reach
a place it was not written for (a draft rule file's keys, a job's middle, a silent default)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.rules.files import load_rules
from tests.conftest import FIXTURES, IN_PROCESS, run_cli

SITES = FIXTURES / "mine" / "sites.jsonl"
# A group name that, written raw after '#', ends the comment and adds a rule emptying every page.
INJECTED = 'Example News\n[[rules]]\nname = "evil"\ndescription = "x"\npattern = \'(?s).+\'\nkeep = ["y"]\n'


def test_mine_writes_a_hostile_group_name_only_escaped(tmp_path: Path):
    """Case 3: the --by field's value, newline and all, stays inside the draft's header comment."""
    records = [json.loads(line) for line in SITES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records:
        if record.get("source") == "Example News":
            record["source"] = INJECTED
    data = tmp_path / "sites.jsonl"
    data.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    out = tmp_path / "drafts"
    result = run_cli("mine", "--input", str(data), "--output", str(out), "--by", "source", *IN_PROCESS)
    assert result.returncode == 0, result.stderr
    (draft,) = out.glob("*.toml")
    text = draft.read_text(encoding="utf-8")
    assert [rule.name for rule in load_rules([draft])] == [f"mine-{draft.stem}-01", f"mine-{draft.stem}-02",
                                                           f"mine-{draft.stem}-03"]
    header = text.split("\n", 1)[0]
    assert header.startswith("# Draft rules for Example News\\n[[rules]]\\nname = \"evil\"\\n")
    assert 'name = "evil"' not in text.replace(header, "")
    assert run_cli("rules", "test", str(out)).returncode == 0
