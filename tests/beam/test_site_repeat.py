"""--site_boilerplate: a site's repeated edge lines, found in the run (pipeline/core/site_repeat.py and its Beam layer)."""
import json
from dataclasses import replace

from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.job import JobConfig, run_job
from pipeline.beam.rule_files import load_rules
from pipeline.core.site_repeat import SiteRepeatOptions, is_repeated, line_hash, strip_site_repeats
from tests.conftest import BUNDLED_RULES, FIXTURES, IN_PROCESS, read_output, read_removals, run_cli

RULES = load_rules([str(BUNDLED_RULES)])
PAGES = FIXTURES / "site_repeat" / "pages.jsonl"
LABEL = "ANALYSIS/OPINION:"
COLUMNS = {"goZPlntLuvaLGddp", "p7pxrmva4pRKoVbf", "YGmYiCCqQfVF4pLU"}


def _run(tmp_path, name: str, site_repeat: SiteRepeatOptions):
    config = JobConfig(input_pattern=str(PAGES), output_dir=str(tmp_path / name), rules=RULES, site_repeat=site_repeat)
    config = replace(config, clean=replace(config.clean, ledger=True))
    _, summary = run_job(config, PipelineOptions(IN_PROCESS))
    return summary, {r["id"]: r for r in read_output(tmp_path / name, "clean")}, read_removals(tmp_path / name)


def test_only_the_runs_at_the_edges_go_and_a_page_all_repeated_is_left_whole():
    label, credit = line_hash(LABEL), line_hash("The Associated Press contributed to this report.")
    text = f"{LABEL}\n\nFirst paragraph.\n\n{LABEL}\n\nLast paragraph.\n\nThe Associated Press contributed to this report."
    stripped = strip_site_repeats(text, {label, credit})
    assert stripped.text == f"First paragraph.\n\n{LABEL}\n\nLast paragraph."
    assert [cut[2] for cut in stripped.cuts] == [LABEL, "The Associated Press contributed to this report."]
    assert [text[start:end] for start, end, _ in stripped.cuts] == [LABEL, "The Associated Press contributed to this report."]
    whole = strip_site_repeats(f"{LABEL}\n\n{LABEL}", {label})
    assert (whole.text, whole.cuts, whole.spared) == (f"{LABEL}\n\n{LABEL}", (), True)


def test_a_line_needs_both_the_pages_and_the_share():
    options = SiteRepeatOptions(min_pages=3, min_share=0.5)
    assert is_repeated(3, 6, options)
    assert not is_repeated(3, 7, options)
    assert not is_repeated(2, 2, options)
    assert not is_repeated(100, 100, SiteRepeatOptions())   # off


def test_the_site_label_goes_from_the_columns_with_its_ledger_and_counts(tmp_path):
    summary_off, off, removed_off = _run(tmp_path, "off", SiteRepeatOptions())
    summary, on, removed = _run(tmp_path, "on", SiteRepeatOptions(min_pages=3))
    assert set(on) == set(off) and len(on) == 6
    head = LABEL + "\n\n"
    labels = {"goZPlntLuvaLGddp": 1, "p7pxrmva4pRKoVbf": 2, "YGmYiCCqQfVF4pLU": 1}   # one column prints it twice
    for page_id, record in off.items():
        count = labels.get(page_id, 0)
        assert record["text"].startswith(head * count) and not record["text"][len(head) * count:].startswith(LABEL)
        assert on[page_id]["text"] == record["text"][len(head) * count:]
        assert on[page_id]["stats"]["chars_out"] == record["stats"]["chars_out"] - len(head) * count
        assert {**on[page_id], "text": "", "stats": {}} == {**record, "text": "", "stats": {}}
    site_removals = [r for r in removed if r["step"] == "site_boilerplate"]
    assert sorted((r["id"], r["cause"], r["start"], r["end"], r["text"]) for r in site_removals) == sorted(
        (page_id, "site-repeat", i * len(head), i * len(head) + len(LABEL), LABEL)
        for page_id, count in labels.items() for i in range(count))
    assert [r for r in removed if r["step"] != "site_boilerplate"] == removed_off
    assert list((tmp_path / "on").glob("removed-site-*")) and not list((tmp_path / "off").glob("removed-site-*"))
    assert summary["site_boilerplate"] == {"lines_removed": 4, "documents": 3, "documents_spared": 0}
    assert summary_off["site_boilerplate"] == {"lines_removed": 0, "documents": 0, "documents_spared": 0}
    assert summary["bytes"]["out"] == sum(len((r["title"] + r["text"]).encode()) for r in on.values())
    assert summary["bytes"]["out"] == summary_off["bytes"]["out"] - 4 * len(head.encode())
    assert summary["files"]["not_reconciled"] == []


def test_too_small_a_share_or_too_few_pages_changes_nothing(tmp_path):
    _, off, _ = _run(tmp_path, "off", SiteRepeatOptions())
    for name, options in (("share", SiteRepeatOptions(min_pages=3, min_share=0.7)), ("pages", SiteRepeatOptions(min_pages=4))):
        summary, on, removed = _run(tmp_path, name, options)
        assert on == off
        assert summary["site_boilerplate"]["lines_removed"] == 0
        assert not [r for r in removed if r["step"] == "site_boilerplate"]


def test_the_flags_reach_the_job_and_one_page_is_refused(tmp_path):
    ran = run_cli("run", "--input", str(PAGES), "--output", str(tmp_path / "cli"), "--site_boilerplate", "3",
                  *IN_PROCESS)
    assert ran.returncode == 0, ran.stderr
    assert "site boilerplate: 4 lines removed from 3 documents" in ran.stdout
    assert json.loads((tmp_path / "cli" / "summary.json").read_text())["site_boilerplate"]["lines_removed"] == 4
    refused = run_cli("run", "--input", str(PAGES), "--output", str(tmp_path / "one"), "--site_boilerplate", "1")
    assert refused.returncode == 2
    assert "--site_boilerplate: must be 0 (off) or at least 2 pages, got 1" in refused.stderr
    assert not (tmp_path / "one").exists()


def test_a_story_printed_twice_counts_once_and_a_page_without_a_url_has_no_site(tmp_path):
    rows = [json.loads(line) for line in PAGES.read_text(encoding="utf-8").splitlines()]
    column = next(row for row in rows if row["id"] == "goZPlntLuvaLGddp")
    copy = {**column, "id": "zz-copy"}                                   # the same text again, under another id
    no_url = {**column, "id": "zz-no-url", "url": None, "text": column["text"] + "\n\nOne more line."}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "pages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [*rows, copy, no_url]),
                                                 encoding="utf-8")
    config = JobConfig(input_pattern=str(tmp_path / "in" / "pages.jsonl"), output_dir=str(tmp_path / "out"),
                       rules=RULES, site_repeat=SiteRepeatOptions(min_pages=4))
    _, summary = run_job(config, PipelineOptions(IN_PROCESS))
    clean = {r["id"]: r for r in read_output(tmp_path / "out", "clean")}
    assert summary["site_boilerplate"]["lines_removed"] == 0                 # on 3 distinct texts (4 pages), not 4
    assert clean["zz-no-url"]["text"].startswith(LABEL)
    _, summary = run_job(replace(config, output_dir=str(tmp_path / "out3"), site_repeat=SiteRepeatOptions(min_pages=3)),
                         PipelineOptions(IN_PROCESS))
    clean = {r["id"]: r for r in read_output(tmp_path / "out3", "clean")}
    assert summary["site_boilerplate"] == {"lines_removed": 5, "documents": 4, "documents_spared": 0}
    assert not clean["zz-copy"]["text"].startswith(LABEL) and clean["zz-no-url"]["text"].startswith(LABEL)
