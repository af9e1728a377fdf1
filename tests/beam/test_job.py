import json
from dataclasses import replace

from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.job import JobConfig, format_summary, rule_set, run_job, summarize
from pipeline.beam.rule_files import load_rules
from pipeline.core.clean import CleanOptions
from pipeline.core.dedup import DedupOptions
from tests.conftest import BUNDLED_RULES, EXPECTED, IN_PROCESS, RAW, read_jsonl, read_output

RULES = load_rules([str(BUNDLED_RULES)])


def test_summarize_groups_counters_by_outcome_reason_and_rule():
    counters = {
        "docs.read": 5, "docs.clean": 3, "docs.rejected": 2, "docs.rejected.invalid_json": 1,
        "docs.rejected.empty_text": 1, "bytes.in": 900, "bytes.out": 700, "headline.repeats_removed": 2,
        "paragraph.repeats_removed": 3,
        "rule.read-time-line.hits": 4, "rule.read-time-line.docs": 3, "docs.flagged.mass_removal": 1,
        "docs.flagged.truncated": 2, "docs.duplicate": 1, "docs.duplicate.near": 1,
        "language.clean.en": 2, "language.clean.de": 1, "language.duplicate.en": 1, "language.rejected.fr": 2,
    }
    summary = summarize(counters, RULES, {"read": 2, "not_reconciled": []})
    assert summary == {
        "documents": {"read": 5, "clean": 2, "rejected": 2, "duplicates": 1},
        "duplicates_by_match": {"exact": 0, "near": 1},
        "files": {"read": 2, "not_reconciled": []},
        "rejected_by_reason": {"empty_text": 1, "invalid_json": 1},
        "bytes": {"in": 900, "out": 700},
        "headline_repeats_removed": 2,
        "repeated_paragraphs_removed": 3,
        "flagged_mass_removal": 1,
        "flagged_truncated": 2,
        "duplicate_ids": 0,
        "site_boilerplate": {"lines_removed": 0, "documents": 0, "documents_spared": 0},
        # The clean output's documents per language: the duplicate went, so they add up to documents.clean.
        "languages": {"de": 1, "en": 1},
        "languages_rejected": {"fr": 2},
        "rules": {rule.name: {"hits": 4, "documents": 3} if rule.name == "read-time-line" else {"hits": 0, "documents": 0}
                  for rule in RULES},
    }
    assert format_summary(summary).splitlines() == [
        "documents: 5 read, 2 clean, 2 rejected, 1 duplicates (0 exact, 1 near)",
        "  rejected empty_text: 1",
        "  rejected invalid_json: 1",
        "files: 2 read, 0 where read != clean + rejected + duplicates",
        "bytes: 900 in, 700 out",
        "headline repeats removed: 2",
        "paragraphs printed twice, later copies removed: 3",
        "flagged for mass removal by rules: 1",
        "flagged truncated (a teaser or paywalled text): 2",
        "ids used by more than one clean record: 0",
        "languages: de 1, en 1",
        "rejected for their language: fr 2",
        f"rules: 1 of {len(RULES)} fired",
        "  read-time-line: 4 hits in 3 documents",
    ]


def test_run_job_writes_clean_rejected_and_a_summary_that_reconciles(tmp_path):
    config = JobConfig(input_pattern=str(RAW / "*"), output_dir=str(tmp_path), rules=RULES)
    _, summary = run_job(config, PipelineOptions(IN_PROCESS))
    clean, rejected = read_output(tmp_path, "clean"), read_output(tmp_path, "rejected")
    assert [r["id"] for r in clean] == [r["id"] for r in read_jsonl(EXPECTED / "clean.jsonl")]
    assert summary["documents"] == {"read": 9, "clean": len(clean), "rejected": len(rejected), "duplicates": 0}
    assert summary["documents"]["read"] == len(clean) + len(rejected)
    assert summary["files"] == {"read": 4, "not_reconciled": []}
    assert summary["rejected_by_reason"] == {"invalid_json": 1, "missing_text": 1}
    assert summary["rules"]["hover-card"] == {"hits": 3, "documents": 1}
    assert summary["bytes"]["out"] == sum(len((r["title"] + r["text"]).encode()) for r in clean)
    assert json.loads((tmp_path / "summary.json").read_text()) == summary


def run_outputs(output_dir) -> dict:
    """Every output of a run, records sorted, and its summary."""
    return {**{kind: sorted(map(json.dumps, read_output(output_dir, kind)))
               for kind in ("clean", "rejected", "duplicates", "files", "removed")},
            "summary": json.loads((output_dir / "summary.json").read_text())}


def test_reading_planned_at_launch_gives_the_outputs_of_the_splittable_read(tmp_path):
    config = JobConfig(input_pattern=str(RAW / "*"), output_dir="", rules=RULES,
                       clean=CleanOptions(ledger=True), dedup=DedupOptions(mode="near"))
    for plan_reads in (False, True):
        run_job(replace(config, output_dir=str(tmp_path / str(plan_reads)), plan_reads=plan_reads),
                PipelineOptions(IN_PROCESS))
    splittable, planned = run_outputs(tmp_path / "False"), run_outputs(tmp_path / "True")
    assert planned == splittable
    assert (len(planned["clean"]), len(planned["rejected"]), len(planned["files"])) == (7, 2, 4)
    assert planned["removed"] and planned["summary"]["files"] == {"read": 4, "not_reconciled": []}


def test_the_rule_set_hash_follows_the_definitions_not_the_folder(tmp_path):
    moved = [replace(rule, file=str(tmp_path / "elsewhere.toml")) for rule in RULES]
    changed = [replace(rule, pattern=rule.pattern + "x") if rule.name == "hover-card" else rule for rule in RULES]
    assert rule_set(moved) == rule_set(RULES)
    assert rule_set(changed)["names"] == rule_set(RULES)["names"] == [rule.name for rule in RULES]
    assert rule_set(changed)["sha256"] != rule_set(RULES)["sha256"]
