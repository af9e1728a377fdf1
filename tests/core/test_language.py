"""Language identification at its edges: no letters, too little text, mixed scripts, a declaration, duplicates.

Each case goes through the whole job: none crashes, each says what it is, and ``--languages`` keeps exactly
what it names (``und`` included, for the texts too short to tell).
"""

import json

from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.job import JobConfig, run_job
from pipeline.beam.rule_files import load_rules
from pipeline.core.dedup import DedupOptions
from pipeline.core.language import identify
from pipeline.core.steps import CleanOptions
from tests.conftest import BUNDLED_RULES, IN_PROCESS, read_output, run_cli

RULES = load_rules([str(BUNDLED_RULES)])
RECORDS = [
    {"id": "digits", "text": "Results\n\n3 - 1, 2 - 2, 0 - 4 (12:30, 14:45)"},
    {"id": "emoji", "text": "🙂🙂\n\n🎉🎉🎉 2026 🎉"},
    {"id": "short-en", "text": "Yes.\n\nOK."},
    {"id": "mixed", "text": "Tokyo 東京 Москва Paris\n\nTokyo 東京, Москва, Paris: 2026."},
    {"id": "ja-en", "text": "日経平均が上昇\n\n東京証券取引所で日経平均株価は月曜日、前週末比で2%上昇した。"
                            "The Nikkei average rose 2% on Monday, 関係者によると、買いが広がった。"},
    {"id": "ru-en", "text": "Мост через Волгу открыт\n\nНовый мост через Волгу открыли в понедельник. \"It is a great day "
                            "for the city,\" said the mayor, по словам мэра, движение начнётся во вторник."},
    {"id": "declared", "text": "Rain closes roads\n\nHeavy rain closed three roads on Monday, police said.",
     "language": "en-GB"},
    {"id": "declared-copy", "text": "Rain closes roads\n\nHeavy rain closed three roads on Monday, police said."},
]
# What each is detected as: the title and the start of the text, through the whole job.
DETECTED = {
    "digits": {"language": "und", "language_score": 0.0212},     # letters, but too few to tell
    "emoji": {"language": "und", "language_score": 0.0},         # no letter at all
    "short-en": {"language": "und", "language_score": 0.0501},   # English, too short to tell
    "mixed": {"language": "ru", "language_score": 0.2537},       # a guess, and its low confidence says so
    "ja-en": {"language": "ja", "language_score": 1.0},
    "ru-en": {"language": "ru", "language_score": 0.9986},
    "declared": {"language": "en", "language_score": 0.9283, "declared_language": "en-GB"},
}


def run(tmp_path, **clean) -> tuple[dict, dict, dict]:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    config = JobConfig(input_pattern=str(source), output_dir=str(tmp_path / "out"), rules=RULES,
                       clean=CleanOptions(**clean), dedup=DedupOptions(mode="exact"))
    _, summary = run_job(config, PipelineOptions(IN_PROCESS))
    return ({r["id"]: r for r in read_output(tmp_path / "out", "clean")},
            {r["id"]: r for r in read_output(tmp_path / "out", "rejected")}, summary)


def test_every_clean_record_says_its_language_even_without_letters_or_in_two_scripts(tmp_path):
    clean, rejected, summary = run(tmp_path)
    assert rejected == {}
    assert {key: record["metadata"] for key, record in clean.items()} == DETECTED
    # The copy without a declaration went to duplicates: the counts are the clean output's, as documents.clean.
    assert summary["documents"]["clean"] == 7 and summary["documents"]["duplicates"] == 1
    assert summary["languages"] == {"und": 3, "ru": 2, "en": 1, "ja": 1}
    assert summary["languages_rejected"] == {}


def test_languages_keeps_those_named_with_und_for_the_undetermined_and_rejects_the_rest_with_theirs(tmp_path):
    clean, rejected, summary = run(tmp_path, languages=("en", "und"))
    assert sorted(clean) == ["declared", "digits", "emoji", "short-en"]
    assert {key: (r["reason"], r["detail"], r["metadata"]) for key, r in rejected.items()} == {
        "mixed": ("language", "detected ru (0.25); kept: en, und", DETECTED["mixed"]),
        "ja-en": ("language", "detected ja (1.00); kept: en, und", DETECTED["ja-en"]),
        "ru-en": ("language", "detected ru (1.00); kept: en, und", DETECTED["ru-en"]),
    }
    assert summary["rejected_by_reason"] == {"language": 3}
    assert summary["languages"] == {"und": 3, "en": 1}
    assert summary["languages_rejected"] == {"ru": 2, "ja": 1}


def test_only_the_start_of_a_text_is_read_and_a_long_one_costs_no_more():
    start = "The council voted on Monday to close the pool. " * 11   # 517 characters
    assert identify(start + "Der Stadtrat hat am Montag beschlossen. " * 1000) == identify(start)
    assert identify(start)[0] == "en"


def test_a_language_code_the_model_does_not_know_or_none_stops_the_run_with_exit_2(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    for value, message in (("en,english", "unknown language code 'english'"), (",", "no language code given")):
        ran = run_cli("run", "--input", str(source), "--output", str(tmp_path / "out"), f"--languages={value}",
                      *IN_PROCESS)
        assert ran.returncode == 2, ran.stderr
        assert f"--languages: {message}" in ran.stderr
        assert not (tmp_path / "out").exists()
