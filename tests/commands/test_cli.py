"""End-to-end: the command line as a user runs it, on the bundled fixtures."""

import json
import logging
import shutil
import subprocess
from importlib.metadata import version

import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.runners.runner import PipelineResult, PipelineRunner, PipelineState

from pipeline.beam.job import rule_set
from pipeline.beam.rule_files import load_rules
from pipeline.beam.runners import outlives_launcher
from pipeline.commands import run
from pipeline.commands.cli import build_parser
from pipeline.commands.options import JobOptions, pipeline_options
from tests.conftest import (
    BUNDLED_RULES,
    EXPECTED,
    FIXTURES,
    IN_PROCESS,
    REPO,
    RULE_TOML,
    read_jsonl,
    read_output,
    run_cli,
)

EXPECTED_CLEAN = read_jsonl(EXPECTED / "clean.jsonl")
EXPECTED_REJECTED = read_jsonl(EXPECTED / "rejected.jsonl")
RAW_SEED_000 = FIXTURES / "raw" / "000_82a298d765422ea0.txt"

CATASTROPHIC_RULE = '''
[[rules]]
name = "user-backtracker"
description = "A careless user rule with nested alternation that backtracks for ever on long runs."
pattern = '(a|aa)+$'
keep = ["b"]

[[rules.examples]]
input = "aaa"
output = ""
'''


def run_fixtures(output, *extra: str) -> subprocess.CompletedProcess:
    # Relative input glob, as in run_local.sh, so 'source' matches the expected records.
    return run_cli("run", "--input", "fixtures/raw/*", "--output", str(output), *extra)


def test_run_cleans_the_fixtures_to_their_expected_records(tmp_path):
    done = run_fixtures(tmp_path, *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    assert read_output(tmp_path, "clean") == EXPECTED_CLEAN
    assert read_output(tmp_path, "rejected") == EXPECTED_REJECTED
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["documents"] == {"read": 9, "clean": 7, "rejected": 2, "duplicates": 0}
    assert "documents: 9 read, 7 clean, 2 rejected" in done.stdout
    assert "hover-card: 3 hits in 1 documents" in done.stdout


def test_run_local_script_cleans_the_fixtures_on_the_direct_runner(tmp_path):
    # Extra arguments go to the job; a later --output wins, so the test writes outside the repository.
    done = subprocess.run([str(REPO / "run_local.sh"), "--output", str(tmp_path)], cwd=REPO, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "documents: 9 read, 7 clean, 2 rejected" in done.stdout
    assert read_output(tmp_path, "clean") == EXPECTED_CLEAN


def test_a_rules_folder_adds_to_the_bundled_rules_and_respects_its_scope(tmp_path):
    done = run_fixtures(tmp_path, "--rules", str(FIXTURES / "rules"), *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    clean = {r["id"]: r for r in read_output(tmp_path, "clean")}
    promo = "Subscribe to Example News for daily updates"
    assert promo not in clean["wire-001"]["text"]                       # example-news.com: rule in scope
    assert clean["wire-001"]["stats"]["rules"] == [{"rule": "example-news-subscribe", "hits": 1}]
    assert promo in clean["wire.jsonl@340"]["text"]                       # other-site.org: out of scope
    assert clean["002_fb6e392a3bbb2a7b"] == next(r for r in EXPECTED_CLEAN if r["id"] == "002_fb6e392a3bbb2a7b")
    assert "example-news-subscribe: 1 hits in 1 documents" in done.stdout


def test_no_bundled_rules_leaves_the_cruft_that_only_rules_remove(tmp_path):
    done = run_fixtures(tmp_path, "--no_bundled_rules", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    seed = next(r for r in read_output(tmp_path, "clean") if r["id"] == "000_82a298d765422ea0")
    assert seed["text"].startswith("2 minutes\n")
    assert seed["text"].endswith("• Comments\nLoading comments...")
    assert "rules: 0 of 0 fired" in done.stdout


def test_a_failing_example_fails_rules_test_and_stops_run_before_reading(tmp_path, write_rule_file):
    rules = write_rule_file("90-site.toml", CATASTROPHIC_RULE.replace('output = ""', 'output = "a"'))
    tested = run_cli("rules", "test", str(rules))
    assert tested.returncode == 1
    assert f"{rules / '90-site.toml'}: rule 'user-backtracker': example 1: expected 'a', got ''" in tested.stderr
    assert tested.stdout.endswith(" examples: 1 failed\n")   # checked together with the bundled rules
    alone = run_cli("rules", "test", "--no_bundled_rules", str(rules))
    assert (alone.returncode, alone.stdout) == (1, "1 rules, 2 examples: 1 failed\n")

    ran = run_fixtures(tmp_path / "out", "--rules", str(rules), *IN_PROCESS)
    assert ran.returncode == 2
    assert "rule 'user-backtracker': example 1" in ran.stderr
    assert "nothing was read" in ran.stderr
    assert not (tmp_path / "out").exists()


def test_a_pattern_that_does_not_compile_stops_run_with_file_and_rule(tmp_path, write_rule_file):
    rules = write_rule_file("50-nbsp.toml", CATASTROPHIC_RULE.replace("(a|aa)+$", r"\x{00A0}a"))
    ran = run_fixtures(tmp_path / "out", "--rules", str(rules), *IN_PROCESS)
    assert ran.returncode == 2
    [message] = [line for line in ran.stderr.splitlines() if line.startswith("error:")]
    assert message == (f"error: {rules / '50-nbsp.toml'}: rule 'user-backtracker': pattern does not compile: "
                       r"incomplete escape \x at position 2 (the regex module writes \u00A0, not \x{00A0})")
    assert not (tmp_path / "out").exists()


def test_a_rule_that_hangs_rejects_the_document_and_the_job_goes_on(tmp_path, write_rule_file):
    rules = write_rule_file("90-user.toml", CATASTROPHIC_RULE)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "slow.txt").write_text("Title\n\n" + "a" * 60 + "b\n", encoding="utf-8")
    shutil.copy(FIXTURES / "raw" / "000_82a298d765422ea0.txt", inputs)
    ran = run_cli("run", "--input", str(inputs / "*"), "--output", str(tmp_path / "out"), "--rules", str(rules),
                  "--rule_timeout", "0.2", *IN_PROCESS)   # the old name of --time_budget still works
    assert ran.returncode == 0, ran.stderr
    assert [r["id"] for r in read_output(tmp_path / "out", "clean")] == ["000_82a298d765422ea0"]
    [rejected] = read_output(tmp_path / "out", "rejected")
    assert (rejected["id"], rejected["stage"], rejected["reason"]) == ("slow", "rules", "time_budget")
    assert "rule 'user-backtracker'" in rejected["detail"]


def test_an_input_glob_that_matches_nothing_is_an_error(tmp_path):
    ran = run_cli("run", "--input", str(tmp_path / "*.jsonl"), "--output", str(tmp_path / "out"), *IN_PROCESS)
    assert ran.returncode == 2
    assert f"--input {tmp_path / '*.jsonl'} matches no files" in ran.stderr


def test_rules_test_passes_on_the_bundled_rules():
    tested = run_cli("rules", "test")
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.strip().endswith("examples: 0 failed")


def test_eval_scores_the_bundled_rules_against_gold_per_kind(tmp_path):
    done = run_cli("eval", "--input", str(FIXTURES / "eval" / "raw.jsonl"), "--gold", str(FIXTURES / "eval" / "gold.jsonl"),
                   "--output", str(tmp_path), *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "eval.json").read_text())
    assert report["groups"]["all"] == {"documents": 8, "missing": 0, "exact_text": 1.0, "exact_title": 1.0,
                                       "words_lost": 0.0, "words_extra": 0.0}
    assert set(report["groups"]) == {"all", "ad", "comments", "hover", "mojibake", "readtime", "spacing",
                                     "title-repeat", "trap"}
    assert done.stdout.splitlines()[1].split() == ["all", "8", "0", "1.0000", "1.0000", "0.000000", "0.000000"]


def test_eval_without_rules_shows_the_cruft_left(tmp_path):
    done = run_cli("eval", "--input", str(FIXTURES / "eval" / "raw.jsonl"), "--gold", str(FIXTURES / "eval" / "gold.jsonl"),
                   "--output", str(tmp_path), "--no_bundled_rules", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "eval.json").read_text())
    assert report["groups"]["all"]["words_extra"] > 0.01
    assert report["groups"]["hover"]["exact_text"] == 0.0
    assert {"dev-business-489", "dev-tech-260"} <= {d["id"] for d in report["worst"]}
    assert "worst documents" in done.stdout


def test_html_entities_are_kept_by_default_and_decoded_on_request(tmp_path):
    kept = run_fixtures(tmp_path / "kept", *IN_PROCESS)
    decoded = run_fixtures(tmp_path / "decoded", "--decode_html_entities", *IN_PROCESS)
    assert kept.returncode == decoded.returncode == 0
    mayor = [next(r for r in read_output(tmp_path / run, "clean") if r["id"] == "1017") for run in ("kept", "decoded")]
    assert "Tuesday &amp; staff" in mayor[0]["text"]
    assert "Tuesday & staff" in mayor[1]["text"]


def test_a_rerun_into_a_used_folder_is_refused_and_overwrite_replaces_every_file(tmp_path):
    assert run_fixtures(tmp_path, *IN_PROCESS).returncode == 0
    stale = tmp_path / "clean-00007-of-00008.jsonl"
    stale.write_text('{"id": "from-an-older-run"}\n')
    refused = run_fixtures(tmp_path, *IN_PROCESS)
    assert refused.returncode == 2
    assert f"--output {tmp_path} already holds a previous run's files" in refused.stderr
    assert "--overwrite" in refused.stderr
    replaced = run_fixtures(tmp_path, "--overwrite", *IN_PROCESS)
    assert replaced.returncode == 0, replaced.stderr
    assert not stale.exists()
    assert read_output(tmp_path, "clean") == EXPECTED_CLEAN


def test_an_unwritable_output_fails_before_reading(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ran = run_fixtures(blocker / "out", *IN_PROCESS)
    assert ran.returncode == 2
    assert f"error: --output {blocker / 'out'} cannot be written" in ran.stderr


def test_max_doc_bytes_rejects_larger_records(tmp_path):
    ran = run_fixtures(tmp_path, "--max_doc_bytes", "2500", *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    too_large = [r for r in read_output(tmp_path, "rejected") if r["reason"] == "too_large"]
    assert [r["input_file"] for r in too_large] == ["fixtures/raw/002_fb6e392a3bbb2a7b.txt"]


def test_no_headline_line_keeps_the_first_line_of_text_files(tmp_path):
    ran = run_cli("run", "--input", str(RAW_SEED_000), "--output", str(tmp_path), "--no_headline_line", *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    [record] = read_output(tmp_path, "clean")
    assert record["title"] == ""
    assert record["text"].startswith("State Secretary Blinken offers U.S. full support to Ukraine\n\n")


def test_field_names_and_normalisation_options_reach_the_output(tmp_path):
    source = tmp_path / "feed.jsonl"
    source.write_text(json.dumps({"uuid": "f1", "link": "https://x.org/a", "headline": "Quotes “in” x²",
                                  "body": "“Quoted” text with ﬁne x² marks.\n\nADVERTISEMENT"}) + "\n", encoding="utf-8")
    ran = run_cli("run", "--input", str(source), "--output", str(tmp_path / "out"), "--text_field", "body",
                  "--id_field", "uuid", "--url_field", "link", "--title_field", "headline", "--straight_quotes",
                  "--unicode_form", "NFKC", "--max_removed_share", "0.05", *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    [record] = read_output(tmp_path / "out", "clean")
    assert (record["id"], record["url"], record["title"], record["text"]) == \
        ("f1", "https://x.org/a", 'Quotes "in" x2', '"Quoted" text with fine x2 marks.')
    assert record["stats"]["mass_removal"] is True        # 1 of 7 words removed > 0.05
    assert "flagged for mass removal by rules: 1" in ran.stdout


def test_eval_takes_an_explicit_kinds_file(tmp_path):
    kinds = tmp_path / "kinds.json"
    kinds.write_text(json.dumps({"dev-sport-191": ["mine"]}))
    done = run_cli("eval", "--input", str(FIXTURES / "eval" / "raw.jsonl"), "--gold", str(FIXTURES / "eval" / "gold.jsonl"),
                   "--kinds", str(kinds), "--output", str(tmp_path / "out"), *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    assert set(json.loads((tmp_path / "out" / "eval.json").read_text())["groups"]) == {"all", "mine"}


def test_rules_test_checks_a_folder_with_the_bundled_rules_it_will_run_with(write_rule_file):
    # Alone it passes; with the bundled rules, as 'run --rules' loads it, its name is taken.
    rules = write_rule_file("90-site.toml", RULE_TOML.replace('name = "ad-line"', 'name = "share-bar"'))
    assert run_cli("rules", "test", "--no_bundled_rules", str(rules)).returncode == 0
    tested = run_cli("rules", "test", str(rules))
    assert tested.returncode == 2
    assert tested.stderr.strip().endswith(f"error: {rules / '90-site.toml'}: rule 'share-bar': name already used in "
                                          f"{BUNDLED_RULES / '50-share-bars.toml'}")


def test_rules_list_shows_the_rules_in_the_order_they_run(write_rule_file):
    rules = write_rule_file("90-site.toml", (FIXTURES / "rules" / "example-news.toml").read_text(encoding="utf-8"))
    listed = run_cli("rules", "list", str(rules))
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["#", "rule", "kind", "scope", "file"]
    assert rows[0].split()[:6] == ["1", "abc-video-sidebar", "block", "rule", "(after-label,", "3+"]
    assert any(row.split()[1:4] == ["read-time-line", "line", "rule"] for row in rows)
    assert rows[-1].split()[1:] == ["example-news-subscribe", "line", "rule", "site", "example-news.com",
                                    str(rules / "90-site.toml")]
    assert any(row.split()[1:4] == ["hover-card", "text", "rule"] for row in rows)


def test_html_pages_come_out_as_their_article_with_the_page_title_and_metadata(tmp_path):
    done = run_cli("run", "--input", str(FIXTURES / "pages" / "*.html"), "--output", str(tmp_path), *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    bridge, flood = read_output(tmp_path, "clean")
    # Only <title> and one paragraph: the title without its site suffix, and the paragraph as the text.
    assert (bridge["title"], bridge["text"]) == (
        "Council approves new bridge",
        "The council approved a new bridge over the river on Tuesday, ending a decade of argument about where it "
        "should stand.")
    assert flood["title"] == "Flood inquiry blames blocked drains"
    assert flood["url"] == "https://courier.example/news/flood-inquiry"
    assert flood["metadata"] == {"author": "Ann Lee", "date": "2024-03-05", "site_name": "courier.example",
                                 "language": "en", "language_score": 1.0}
    assert flood["text"].startswith("An inquiry into the flooding") and flood["text"].endswith("end of the month.")
    for furniture in ("Home", "Share on", "Read more", "Fire station", "Most read", "Contact us"):
        assert furniture not in flood["text"]


def test_eval_scores_pages_the_extraction_benchmarks_way_and_full_mode_keeps_the_furniture(tmp_path):
    runs = {}
    for mode in ("article", "full"):
        done = run_cli("eval", "--input", str(FIXTURES / "pages" / "*.html"), "--gold",
                       str(FIXTURES / "pages" / "ground-truth.json"), "--output", str(tmp_path / mode),
                       "--html_mode", mode, *IN_PROCESS)
        assert done.returncode == 0, done.stderr
        runs[mode] = json.loads((tmp_path / mode / "eval.json").read_text())
    assert (runs["article"]["f1"], runs["article"]["pages"]) == (1.0, 2)
    assert runs["full"]["precision"] < 0.9
    [worst, _] = runs["full"]["worst"]
    assert worst["id"] == "flood-inquiry" and any("Home News Sport" in run for run in worst["extra"])


def test_a_misspelt_flag_fails_with_exit_2_naming_it_before_anything_is_read(tmp_path):
    for typo in (["--overwite"], ["--text-field", "body"]):
        ran = run_fixtures(tmp_path / "out", *typo, *IN_PROCESS)
        assert ran.returncode == 2, ran.stdout
        assert f"unrecognized arguments: {' '.join(typo)}" in ran.stderr
        assert not (tmp_path / "out").exists()   # the output folder is prepared only after the flags are checked


def test_the_job_flags_are_pipeline_options_that_a_runner_shows():
    args, beam_flags = build_parser().parse_known_args(
        ["run", "--input", "in/*.jsonl", "--output", "out", "--dedup", "exact", "--max_doc_bytes", "5000",
         "--rules", "a.toml,b.toml", "--runner=FnApiRunner"], namespace=run.Args())
    options = pipeline_options(args, beam_flags)
    job = options.view_as(JobOptions)
    assert (job.input, job.dedup, job.max_doc_bytes, job.rules, job.overwrite) == \
        ("in/*.jsonl", "exact", 5000, ["a.toml", "b.toml"], False)
    # What Dataflow lists in a job's options panel: every option set, the job's beside Beam's.
    assert options.get_all_options(drop_default=True, retain_unknown_options=True) == {
        "runner": "FnApiRunner", "input": "in/*.jsonl", "output": "out", "rules": ["a.toml", "b.toml"],
        "max_doc_bytes": 5000, "dedup": "exact"}


def test_the_summary_says_what_produced_it(tmp_path):
    done = run_fixtures(tmp_path, "--dedup", "exact", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    rules = load_rules([str(BUNDLED_RULES)])
    assert summary["provenance"] == {
        "input": "fixtures/raw/*",
        "options": {"runner": "FnApiRunner", "input": "fixtures/raw/*", "output": str(tmp_path), "dedup": "exact"},
        "rules": {"names": [rule.name for rule in rules], "sha256": rule_set(rules)["sha256"]},
        "version": version("newsclean"),
    }


def test_beam_logs_the_dataflow_job_id_and_console_url(tmp_path):
    run_fixtures(tmp_path, *IN_PROCESS)
    # apiclient logs "Created job with id: [...]" and the console URL at INFO; the root logger stays at WARNING.
    assert logging.getLogger("apache_beam.runners.dataflow.internal.apiclient").isEnabledFor(logging.INFO)
    assert not logging.getLogger("apache_beam.runners.portability").isEnabledFor(logging.INFO)


def test_reshuffled_records_come_out_the_same(tmp_path):
    done = run_fixtures(tmp_path, "--reshuffle_records", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    assert read_output(tmp_path, "clean") == EXPECTED_CLEAN
    assert read_output(tmp_path, "rejected") == EXPECTED_REJECTED
    assert json.loads((tmp_path / "summary.json").read_text())["files"] == {"read": 4, "not_reconciled": []}


CARELESS_RULE = '''
[[rules]]
name = "careless-president"
description = "A careless user rule: everything from 'President' on, as the issue's user wrote it."
pattern = '(?s)President.{0,5000}'
keep = ["The chairman spoke."]

[[rules.examples]]
input = "A. President b."
output = "A. "
'''


def test_mass_removal_reject_and_keep_and_not_article_reach_the_outputs_and_summary(tmp_path, write_rule_file):
    rules = write_rule_file("99-careless.toml", CARELESS_RULE)
    source = tmp_path / "in.jsonl"
    cut = "Markets fell on Monday.\n\nPresident Smith said the fall was temporary and would end within weeks."
    source.write_text("\n".join(json.dumps(record) for record in [
        {"id": "cut", "title": "Markets fall", "text": cut},
        {"id": "fine", "title": "Storm", "text": "Winds of 100 km/h hit the coast on Monday, cutting power."},
        {"id": "error-page", "title": "Contributors",
         "text": "ERROR\n\nMain Error Mesage Here\n\nMore detailed message would go here to provide context"},
    ]) + "\n", encoding="utf-8")
    rejected = run_cli("run", "--input", str(source), "--output", str(tmp_path / "rejected"), "--rules", str(rules),
                       "--mass_removal", "reject", *IN_PROCESS)
    assert rejected.returncode == 0, rejected.stderr
    assert [record["id"] for record in read_output(tmp_path / "rejected", "clean")] == ["fine"]
    reasons = {record["id"]: (record["reason"], record["detail"]) for record in read_output(tmp_path / "rejected",
                                                                                           "rejected")}
    assert reasons == {
        "cut": ("mass_removal", "the rules removed 75% of the words, more than --max_removed_share 0.5 (rules that "
                                "fired: careless-president); they would have removed: President Smith said the fall "
                                "was temporary and would end within weeks."),
        "error-page": ("not_article", "not an article: an error page: 'ERROR' in a text of 14 words"),
    }
    summary = json.loads((tmp_path / "rejected" / "summary.json").read_text())
    assert summary["rejected_by_reason"] == {"mass_removal": 1, "not_article": 1}
    kept = run_cli("run", "--input", str(source), "--output", str(tmp_path / "kept"), "--rules", str(rules),
                   "--mass_removal", "keep", *IN_PROCESS)
    assert kept.returncode == 0, kept.stderr
    by_id = {record["id"]: record for record in read_output(tmp_path / "kept", "clean")}
    assert by_id["cut"]["text"] == cut and by_id["cut"]["stats"]["mass_removal"] is True
    assert json.loads((tmp_path / "kept" / "summary.json").read_text())["flagged_mass_removal"] == 1


class LauncherBoundRunner(PipelineRunner):
    """A runner whose job runs only while its launcher waits, as on Dask's local cluster: a launcher that
    returned at once would lose the job, its outputs and its summary, with exit 0."""

    def run_pipeline(self, pipeline, options):
        return _RunsWhenWaitedFor(lambda: FnApiRunner().run_pipeline(pipeline, options))


class _RunsWhenWaitedFor(PipelineResult):
    def __init__(self, job):
        super().__init__(PipelineState.RUNNING)
        self._job = job

    def wait_until_finish(self, duration=None):  # noqa: ARG002 (Beam's signature)
        self._state = self._job().wait_until_finish()
        return self._state


def test_a_job_that_would_end_with_the_launcher_is_waited_for(tmp_path):
    done = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path),
                   "--runner=tests.commands.test_cli.LauncherBoundRunner")
    assert done.returncode == 0, done.stderr
    assert "job submitted" not in done.stdout
    assert "documents: 9 read, 7 clean, 2 rejected" in done.stdout
    assert json.loads((tmp_path / "summary.json").read_text())["documents"]["read"] == 9


@pytest.mark.parametrize(("flags", "outlives"), [
    ([], False),
    (["--runner=DirectRunner"], False),
    (["--runner=apache_beam.runners.dask.dask_runner.DaskRunner"], False),
    (["--runner=FlinkRunner"], False),                                   # its job server is started here
    (["--runner=PortableRunner", "--job_endpoint=embed"], False),
    (["--runner=PortableRunner", "--job_endpoint=localhost:8099", "--environment_type=LOOPBACK"], False),
    (["--runner=PortableRunner", "--job_endpoint=localhost:8099"], True),
    (["--runner=DataflowRunner"], True),
    (["--runner=apache_beam.runners.dataflow.dataflow_runner.DataflowRunner"], True),
])
def test_only_a_job_that_outlives_the_launcher_is_left_to_run(flags, outlives):
    assert outlives_launcher(PipelineOptions(flags)) is outlives
