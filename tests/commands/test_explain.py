"""``python -m pipeline explain``: one document's cleaning, every removal marked with its rule."""

import io
import subprocess
import sys

from tests.conftest import REPO, read_output, run_cli

SECOND_SEED = "fixtures/raw/002_fb6e392a3bbb2a7b.txt"
HOVER_CARDS = (
    "Antony BlinkenPelosi signals no further action against Omar US drops sanctions on Iranian officials as nuclear "
    "talks stall Senior Chinese diplomat talks with Blinken amid debate over competitiveness bill MORE",
    "Joe BidenPutin says he's optimistic about working with Biden ahead of planned meeting How the infrastructure "
    "bill can help close the digital divide Biden meets Queen Elizabeth for first time as president MORE",
    "Vladimir Vladimirovich PutinPutin says he's optimistic about working with Biden ahead of planned meeting Biden, "
    "Macron huddle on sidelines of G7 summit Biden must up the ante to get what he wants from Putin MORE",
)


def test_explain_on_the_second_seed_marks_each_hover_card_with_its_rule():
    done = run_cli("explain", "--input", SECOND_SEED)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for card in HOVER_CARDS:
        assert f"[-{card}-]{{hover-card}}" in out
    # The name the card belonged to stays, marked text and all.
    assert "Secretary of State Antony Blinken[-Antony BlinkenPelosi" in out
    assert "[-Blinken: US stands with Ukraine in face of Russian aggression-]{headline_repeat}" in out
    assert "  3. truncated         nothing removed; 3,437 characters of body\n" in out
    assert "  4. rules             hover-card x3; 2,810 characters of body" in out
    assert "  5. headline_repeats  headline_repeat x1; 2,747 characters of body" in out
    assert "  rules/hover-card  [159:367] line 5  'Antony BlinkenPelosi signals" in out
    assert "\x1b[" not in out   # not a terminal: plain text


def test_explain_reads_standard_input_and_colours_on_request():
    text = "Storm hits coast\n\n2 min read\n\nStorm hits coast\n\nWinds of 100 km/h."
    done = subprocess.run([sys.executable, "-m", "pipeline", "explain", "--color", "always"], input=text,
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "\x1b[9;31m[-2 min read-]\x1b[0m\x1b[33m{read-time-line}\x1b[0m" in done.stdout
    assert "\x1b[9;31m[-Storm hits coast-]\x1b[0m\x1b[33m{headline_repeat}\x1b[0m" in done.stdout
    assert "clean\x1b[0m: title 'Storm hits coast', 18 characters of text" in done.stdout


def test_explain_finds_a_record_by_id_in_a_jsonl_file_and_shows_a_rejection(monkeypatch):
    done = run_cli("explain", "--input", "fixtures/raw/wire.jsonl", "--id", "wire.jsonl@340")
    assert done.returncode == 0, done.stderr
    assert "[-3 min read-]{read-time-line}" in done.stdout
    monkeypatch.setattr(sys, "stdin", io.StringIO("Title\n\n2 min read"))
    rejected = run_cli("explain")
    assert rejected.returncode == 0, rejected.stderr
    assert "rejected: empty_after_cleaning (clean)" in rejected.stdout
    assert "[-2 min read-]{read-time-line}" in rejected.stdout   # what the rules took before the rejection


def test_explain_names_a_missing_document_or_an_ambiguous_file():
    missing = run_cli("explain", "--input", "fixtures/raw/wire.jsonl", "--id", "nope")
    assert (missing.returncode, missing.stderr) == (2, "error: no document 'nope' in fixtures/raw/wire.jsonl\n")
    ambiguous = run_cli("explain", "--input", "fixtures/raw/wire.jsonl")
    assert ambiguous.returncode == 2
    assert "holds more than one document: name one with --id" in ambiguous.stderr
    unreadable = run_cli("explain", "--input", "fixtures/raw/wire.jsonl", "--id", "wire-no-text")
    assert unreadable.returncode == 2, unreadable.stdout
    assert "wire-no-text in fixtures/raw/wire.jsonl cannot be read: missing_text" in unreadable.stderr
    absent = run_cli("explain", "--input", "fixtures/raw/no-such-file.jsonl")
    assert (absent.returncode, absent.stderr) == (
        2, "error: --input fixtures/raw/no-such-file.jsonl: no such file (explain reads one local file)\n")


def test_explain_run_cleans_as_the_run_did_and_prints_its_clean_text(tmp_path):
    out = tmp_path / "out"
    done = run_cli("run", "--input", "fixtures/raw/*", "--output", str(out), "--straight_quotes", "--no_headline_line")
    assert done.returncode == 0, done.stderr
    shipped = sorted(read_output(out, "clean"), key=lambda record: record["id"])
    assert len(shipped) == 7
    for record in shipped:
        explained = run_cli("explain", "--run", str(out), "--id", record["id"])
        assert explained.returncode == 0, explained.stderr
        assert explained.stdout.endswith(f"clean text (title {record['title']!r}):\n\n{record['text']}\n"), record["id"]
    # Without the run's options the same document is cleaned otherwise: its first line becomes the title.
    alone = run_cli("explain", "--input", SECOND_SEED)
    assert "clean text (title 'Blinken: US stands with Ukraine in face of Russian aggression')" in alone.stdout


def test_explain_run_refuses_other_rules_and_a_folder_without_a_run(tmp_path):
    refused = run_cli("explain", "--run", str(tmp_path), "--id", "x")
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"error: --run {tmp_path}: no summary.json of a finished run can be read there")
    out = tmp_path / "out"
    assert run_cli("run", "--input", "fixtures/raw/*", "--output", str(out)).returncode == 0
    mixed = run_cli("explain", "--run", str(out), "--id", "wire-001", "--rules", "rules")
    assert mixed.returncode == 2
    assert "--run takes the rules, options and input format of the run" in mixed.stderr
    # A cleaning option too: the run's own are the ones used.
    quoted = run_cli("explain", "--run", str(out), "--id", "wire-001", "--straight_quotes")
    assert quoted.returncode == 2 and "--run takes the rules, options and input format of the run" in quoted.stderr
    missing = run_cli("explain", "--run", str(out), "--id", "nope")
    assert (missing.returncode, missing.stderr) == (2, "error: no document 'nope' in the run's input fixtures/raw/*\n")


def test_explain_into_a_pipe_closed_early_stops_quietly(tmp_path):
    # `newsclean explain ... | head -1`: the reader leaves after one line; no traceback reaches the terminal. The
    # explanation is longer than a pipe holds, so the command is still writing when the reader goes.
    story = tmp_path / "story.txt"
    story.write_text("Council votes\n\n" + "\n\n".join(f"Paragraph {i} of the story.\n\nAdvertisement"
                                                         for i in range(3000)), encoding="utf-8")
    explained = subprocess.Popen([sys.executable, "-m", "pipeline", "explain", "--input", str(story), "--color", "never"],
                                 cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert explained.stdout is not None and explained.stdout.readline()
    explained.stdout.close()
    _, stderr = explained.communicate(timeout=120)
    assert explained.returncode == 1
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr, stderr.decode()


def test_explain_on_a_page_shows_what_its_extraction_left_out_first():
    done = run_cli("explain", "--input", "fixtures/extract_ledger/courier-bridge.html")
    assert done.returncode == 0, done.stderr
    extraction = done.stdout.split("  1. normalize")[0].splitlines()
    assert extraction == [
        "courier-bridge  (fixtures/extract_ledger/courier-bridge.html, "
        "https://courier.example/news/council-approves-new-bridge)",
        "  0. extract           boilerplate x2, navigation x1, link_list x1, furniture_line x1, comments x1; "
        "offsets into the page's full text (--html_mode full):",
        "     boilerplate  [0:17]  html/body/header.masthead  'Riverside Courier'",
        "     navigation  [19:39]  html/body/nav.site-nav  'News\\n\\nSport\\n\\nWeather'",
        "     link_list  [510:590]  html/body/main/article/ul.more  "
        "'Bridge plans through the years\\n\\nWhere the money comes from\\n\\nFerry s...'",
        "     furniture_line  [723:769]  html/body/main/article/p  'Read more: How the river crossing vote was won'",
        "     comments  [771:979]  html/body/section#comments  "
        "'Comments\\n\\nAbout time too. I have waited for this bridge for fifteen...'",
        "     boilerplate  [981:1035]  html/body/footer  'Copyright 2026 Riverside Courier. All rights reserved.'",
    ]
    assert "  5. headline_repeats  headline_repeat x1; 569 characters of body\n" in done.stdout


def test_explain_on_a_page_without_an_article_shows_the_rejection_and_what_was_left_out():
    done = run_cli("explain", "--input", "fixtures/extract_ledger/courier-index.html")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "fixtures/extract_ledger/courier-index.html  (fixtures/extract_ledger/courier-index.html, "
        "https://courier.example/news/)",
        "  0. extract           navigation x1, menu x3; offsets into the page's full text (--html_mode full):",
        "     navigation  [0:20]  html/body/nav.site-nav  'News\\n\\nSport\\n\\nWeather'",
        "     menu  [22:64]  html/body/div.index/h2  'Council approves new bridge over the river'",
        "     menu  [66:108]  html/body/div.index/h2  'Ferry service to end when the bridge opens'",
        "     menu  [110:138]  html/body/div.index/h2  'New school for the east bank'",
        "rejected: no_article (extract): the extractor found no article on this page (an index, error or teaser "
        "page?); --html_mode full keeps all its text",
    ]


def test_explain_on_a_text_record_shows_no_extraction_step():
    done = run_cli("explain", "--input", SECOND_SEED)
    assert "0. extract" not in done.stdout
