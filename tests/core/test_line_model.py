"""The line model (pipeline/core/line_model.py) and its step: furniture lines the rules left, scored and removed with
``--line_model on``; prose, quotes, figures and other languages left alone."""

import json

import pytest

from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.line_model import FEATURES, LineModel, bundled_model, cruft_lines, removable
from pipeline.core.normalize import NormalizeOptions, UnicodeFixer, normalize
from pipeline.core.records import Article
from pipeline.core.steps.line_model import LINE_MODEL
from tests.conftest import FIXTURES, read_output, read_removals, run_cli

ARTICLE = json.loads((FIXTURES / "line_model" / "articles.jsonl").read_text(encoding="utf-8"))
FURNITURE = ["Related: Council approves new parking rules", "Click here to subscribe to our newsletter",
             "Posted on March 3, 2021 by Staff"]
PROSE = ARTICLE["text"].split("\n\n")[:4]
# As a text file holds it: the headline, then the body.
TEXT = ARTICLE["title"] + "\n\n" + ARTICLE["text"]


def article(text: str, **fields) -> Article:
    return Article(id="a", text=text, source="test", **fields)


@pytest.mark.parametrize("line", ["Click here to subscribe to our newsletter", "Related: Council approves new rules",
                                  "Posted on March 3, 2021 by Staff", "Twitter: @newsdesk",
                                  "Photo gallery: the storm in pictures"])
def test_lines_with_a_sign_of_furniture_may_be_scored(line):
    assert removable(line)


@pytest.mark.parametrize("line", [
    "Winners meet in final match",                       # a fixture list's line: no sign of furniture
    "78,000",                                            # a figure alone is data
    "The newsletter, which the council sends every month, said on March 3 that the routes were approved.",
    "We can protect our rights & our health at the same time. — Ivanka Trump (@IvankaTrump) April 22, 2020",
    "Watch the video and count for yourself. The man in the baby carrier appears at 0:03 and waves.",
])
def test_prose_quotes_embedded_posts_and_figures_are_never_the_models(line):
    assert not removable(line)


def test_the_bundled_model_scores_the_furniture_above_its_threshold_and_the_prose_far_below():
    model = bundled_model()
    lines = PROSE + FURNITURE
    scores = model.scores(lines)
    assert all(score >= model.threshold for score in scores[len(PROSE):])
    assert all(score < 0.1 for score in scores[:len(PROSE)])


def test_cruft_lines_gives_each_line_its_offsets_in_the_text():
    body = "\n\n".join(PROSE + FURNITURE)
    found = cruft_lines(body, bundled_model())
    assert [body[start:end] for start, end, _ in found] == FURNITURE


def test_on_the_step_removes_the_furniture_and_the_ledger_has_each_line_with_its_score():
    cleaner = Cleaner([], CleanOptions(line_model=True, ledger=True))
    clean = cleaner.clean(article(TEXT, url=ARTICLE["url"]))
    assert clean.title == ARTICLE["title"]
    assert clean.text == "\n\n".join(PROSE)
    assert clean.stats["line_model_lines"] == 3
    normalised = normalize(TEXT, UnicodeFixer(NormalizeOptions()))
    removals = [removal for removal in clean.removals if removal.cause == LINE_MODEL]
    assert [removal.text for removal in removals] == FURNITURE
    assert all(normalised[removal.start:removal.end] == removal.text for removal in removals)
    assert all(removal.step == "line_model" and removal.score >= bundled_model().threshold for removal in removals)


def test_off_by_default():
    clean = Cleaner([]).clean(article(TEXT))
    assert clean.text == "\n\n".join(PROSE + FURNITURE)
    assert "line_model_lines" not in clean.stats


def test_an_article_in_another_language_is_left_to_the_rules():
    text = ("Le conseil étend le réseau de bus\n\n"
            "Le conseil municipal a voté mardi l'extension du réseau de bus vers la banlieue nord, après deux ans "
            "de consultations publiques et une étude sur les trajets des habitants.\n\n"
            "Les nouvelles lignes circuleront au printemps, et les tarifs resteront les mêmes pendant au moins un an.\n\n"
            "Click here to subscribe to our newsletter")
    clean = Cleaner([], CleanOptions(line_model=True)).clean(article(text))
    assert clean.metadata["language"] == "fr"
    assert clean.text.endswith("Click here to subscribe to our newsletter")


def test_a_text_mostly_of_what_the_model_scores_high_is_left_as_it_is_and_counted():
    text = "Bus news\n\n" + PROSE[1] + "\n\n" + "\n\n".join(FURNITURE * 2)
    clean = Cleaner([], CleanOptions(line_model=True)).clean(article(text))
    assert clean.stats["line_model_held_back"] is True
    assert clean.text.endswith(FURNITURE[-1])


def test_a_model_for_other_features_or_with_a_threshold_out_of_range_is_refused():
    data = bundled_model().to_dict()
    with pytest.raises(ValueError, match="retrain it"):
        LineModel.from_dict({**data, "features": data["features"][:-1]})
    with pytest.raises(ValueError, match="threshold"):
        LineModel.from_dict({**data, "threshold": 1.5})
    assert data["features"] == list(FEATURES)


def test_run_with_line_model_on_writes_the_clean_text_and_the_ledger(tmp_path):
    done = run_cli("run", "--input", "fixtures/line_model/*.jsonl", "--output", str(tmp_path / "on"),
                   "--line_model", "on", "--ledger", "--no_bundled_rules")
    assert done.returncode == 0, done.stderr
    [record] = read_output(tmp_path / "on", "clean")
    assert record["text"] == "\n\n".join(PROSE)
    removals = read_removals(tmp_path / "on")
    assert [(r["step"], r["cause"], r["text"]) for r in removals] == [("line_model", LINE_MODEL, line)
                                                                        for line in FURNITURE]
    assert all(isinstance(r["score"], float) for r in removals)


def test_a_misspelt_line_model_value_stops_the_run_before_reading(tmp_path):
    done = run_cli("run", "--input", "fixtures/line_model/*.jsonl", "--output", str(tmp_path / "out"),
                   "--line_model", "yes")
    assert done.returncode == 2
    assert "--line_model" in done.stderr and "'yes'" in done.stderr
    assert not (tmp_path / "out").exists()


def test_explain_shows_each_line_the_model_removed_with_its_score_and_so_does_explain_run(tmp_path):
    alone = run_cli("explain", "--input", "fixtures/line_model/articles.jsonl", "--line_model", "on",
                    "--no_bundled_rules", "--color", "never")
    assert alone.returncode == 0, alone.stderr
    listed = [line for line in alone.stdout.splitlines() if "line_model/line-model score" in line]
    assert len(listed) == 3 and all(repr(text) in line for line, text in zip(listed, FURNITURE, strict=True))
    done = run_cli("run", "--input", "fixtures/line_model/*.jsonl", "--output", str(tmp_path / "on"),
                   "--line_model", "on", "--no_bundled_rules")
    assert done.returncode == 0, done.stderr
    again = run_cli("explain", "--run", str(tmp_path / "on"), "--id", ARTICLE["id"], "--color", "never")
    assert again.returncode == 0, again.stderr
    assert [line for line in again.stdout.splitlines() if "line_model/line-model score" in line] == listed


def test_the_report_shows_the_line_models_removals_with_their_scores(tmp_path):
    done = run_cli("run", "--input", "fixtures/line_model/*.jsonl", "--output", str(tmp_path / "on"),
                   "--line_model", "on", "--ledger", "--no_bundled_rules")
    assert done.returncode == 0, done.stderr
    report = run_cli("report", str(tmp_path / "on"), "--quiet")
    assert report.returncode == 0, report.stderr
    page = next((tmp_path / "on").glob("*.html")).read_text(encoding="utf-8")
    # One sample per document and cause: the page shows the line model's row and a removal with its score.
    assert "<td>line-model</td><td>line_model</td>" in page and page.count("· score 0.9") == 1
