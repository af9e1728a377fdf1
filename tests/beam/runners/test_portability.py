"""The same job on three engines gives the same records, and the rules travel inside the job.

Engines: Beam's in-process runner; the same with two worker processes
(multi_processing); the portable runner with DoFns in separate SDK worker
processes, as on Dataflow. multi_processing was seen to hang now and then, so
every run here is a subprocess with a time limit.
"""

import json
import os
import shutil
from collections import Counter

import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.beam.job import JobConfig, run_job
from pipeline.beam.rule_files import load_rules
from pipeline.beam.transforms import RANGE_BYTES
from tests.conftest import (
    BUNDLED_RULES,
    EXPECTED,
    FIXTURES,
    IN_PROCESS,
    PORTABLE_SUBPROCESS_WORKERS,
    RAW,
    REPO,
    read_jsonl,
    read_output,
    run_cli,
    run_cli_process,
)

MULTI_PROCESSING = ["--runner=FnApiRunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"]
ENGINES = {"in_process": IN_PROCESS, "multi_processing": MULTI_PROCESSING, "portable": PORTABLE_SUBPROCESS_WORKERS}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    results = {}
    for name, options in ENGINES.items():
        output = tmp_path_factory.mktemp(name)
        # Runners with worker processes get a process of their own (two in one process can hang, notes/beam.md).
        run = run_cli if name == "in_process" else run_cli_process
        done = run("run", "--input", "fixtures/raw/*", "--output", str(output), *options)
        assert done.returncode == 0, f"{name}: {done.stderr[-2000:]}"
        results[name] = output
    return results


@pytest.mark.portable
def test_every_engine_writes_the_same_records(runs):
    expected_clean = read_jsonl(EXPECTED / "clean.jsonl")
    expected_rejected = read_jsonl(EXPECTED / "rejected.jsonl")
    for name, output in runs.items():
        assert read_output(output, "clean") == expected_clean, name
        assert read_output(output, "rejected") == expected_rejected, name


@pytest.mark.portable
def test_every_engine_reports_the_same_counters(runs):
    summaries = {name: json.loads((output / "summary.json").read_text()) for name, output in runs.items()}
    # The same counts; what differs is the runner options they record.
    assert {name: summary.pop("provenance")["options"]["runner"] for name, summary in summaries.items()} == \
        {"in_process": "FnApiRunner", "multi_processing": "FnApiRunner", "portable": "PortableRunner"}
    assert summaries["in_process"]["documents"] == {"read": 9, "clean": 7, "rejected": 2, "duplicates": 0}
    assert summaries["multi_processing"] == summaries["in_process"]
    assert summaries["portable"] == summaries["in_process"]


@pytest.mark.portable
def test_rules_travel_inside_the_job_not_through_the_local_folder(tmp_path):
    rules_copy = tmp_path / "rules"
    shutil.copytree(BUNDLED_RULES, rules_copy)
    shutil.copy(FIXTURES / "rules" / "example-news.toml", rules_copy / "99-example-news.toml")
    config = JobConfig(input_pattern=str(RAW / "*"), output_dir=str(tmp_path / "out"),
                       rules=load_rules([str(rules_copy)]))
    options = PipelineOptions(PORTABLE_SUBPROCESS_WORKERS)
    shutil.rmtree(rules_copy)  # the pipeline is built from rules already read; workers must not need the folder
    _, summary = run_job(config, options)
    clean = {record["id"]: record for record in read_output(tmp_path / "out", "clean")}
    assert "Subscribe to Example News" not in clean["wire-001"]["text"]
    assert clean["wire-001"]["stats"]["rules"] == [{"rule": "example-news-subscribe", "hits": 1}]
    assert summary["rules"]["example-news-subscribe"] == {"hits": 1, "documents": 1}


# Imported by every Python process started with its folder on PYTHONPATH (site's sitecustomize hook), so also by
# the worker processes Beam starts: each writes the process id that cleaned each article to a log.
CLEANED_BY = '''
import os
if os.environ.get("NEWSCLEAN_TEST_CLEANED_BY"):
    import pipeline.core.clean
    clean = pipeline.core.clean.Cleaner.clean

    def logged(self, article):
        with open(os.environ["NEWSCLEAN_TEST_CLEANED_BY"], "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\\n")
        return clean(self, article)

    pipeline.core.clean.Cleaner.clean = logged
'''


@pytest.mark.portable
def test_one_jsonl_file_is_cleaned_by_both_worker_processes_into_the_records_of_one(tmp_path):
    # Three byte ranges or more: the fixture articles again and again, some without an id.
    articles = read_jsonl(FIXTURES / "formats" / "articles.jsonl")
    big = tmp_path / "in" / "wire.jsonl"
    big.parent.mkdir()
    with big.open("w", encoding="utf-8") as out:
        for n in range(3_000):
            record = dict(articles[n % len(articles)], text=articles[n % len(articles)]["text"] + " word" * 200)
            record["id"] = f"{record['id']}-{n}" if n % 3 else None
            out.write(json.dumps(record) + "\n")
    assert big.stat().st_size > 2 * RANGE_BYTES + RANGE_BYTES // 4
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(CLEANED_BY, encoding="utf-8")
    log = tmp_path / "cleaned-by.txt"
    env = dict(os.environ, PYTHONPATH=f"{site}{os.pathsep}{REPO}", NEWSCLEAN_TEST_CLEANED_BY=str(log))
    done = run_cli_process("run", "--input", str(big), "--output", str(tmp_path / "two"), *MULTI_PROCESSING, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    workers = Counter(log.read_text().split())
    assert len(workers) == 2 and sum(workers.values()) == 3_000, workers
    assert min(workers.values()) > 3_000 // 4, workers   # shared, not one range each way by chance
    one = run_cli("run", "--input", str(big), "--output", str(tmp_path / "one"), *IN_PROCESS)
    assert one.returncode == 0, one.stderr
    for kind in ("clean", "rejected", "files"):
        assert read_output(tmp_path / "two", kind) == read_output(tmp_path / "one", kind), kind
    summaries = [json.loads((tmp_path / name / "summary.json").read_text()) for name in ("one", "two")]
    assert [{k: v for k, v in s.items() if k != "provenance"} for s in summaries] == \
        [{k: v for k, v in summaries[0].items() if k != "provenance"}] * 2
    assert summaries[0]["documents"]["read"] == 3_000
