"""What the commands print: ids, URLs, rule texts and file names from the input reach a terminal escaped.

A terminal acts on escape sequences in what it is sent (OSC 52 sets the clipboard, CSI 2J clears the screen,
U+202E reorders what follows); input text is shown with those characters as visible escapes.
"""

import json

from tests.conftest import RULE_TOML, run_cli

OSC52, CLEAR, RLO = "\x1b]52;c;aGk=\x07", "\x1b[2J", "\u202e"


def _no_raw_controls(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and RLO not in text, text


def test_explain_shows_an_id_url_and_removed_text_escaped(tmp_path):
    record = {"id": f"doc-{OSC52}{CLEAR}", "url": f"https://example.com/{RLO}gpj.exe",
              "text": f"Storm hits coast\n\n2 min read {CLEAR}\n\nWinds of 100 km/h reached the coast on Monday."}
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    done = run_cli("explain", "--input", str(path), "--color", "never")
    assert done.returncode == 0, done.stderr
    _no_raw_controls(done.stdout)
    assert "doc-\\x1b]52;c;aGk=\\x07\\x1b[2J  (" in done.stdout
    assert "https://example.com/\\u202egpj.exe)" in done.stdout
    # The normalised text has no control characters left; the marks and the list of removals are still made.
    assert "{read-time-line}" in done.stdout
    assert "rules/read-time-line  [" in done.stdout


def test_an_error_naming_an_input_path_shows_it_escaped():
    done = run_cli("explain", "--input", f"fixtures/{CLEAR}x.jsonl")
    assert done.returncode == 2
    _no_raw_controls(done.stderr)
    assert done.stderr == "error: --input fixtures/\\x1b[2Jx.jsonl: no such file (explain reads one local file)\n"


def test_rules_list_shows_a_rule_file_name_escaped(write_rule_file):
    folder = write_rule_file(f"10-{CLEAR}x.toml", RULE_TOML)
    done = run_cli("rules", "list", str(folder))
    assert done.returncode == 0, done.stderr
    _no_raw_controls(done.stdout)
    assert "ad-line" in done.stdout and "/10-\\x1b[2Jx.toml" in done.stdout
