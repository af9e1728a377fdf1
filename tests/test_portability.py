"""The same job on three engines gives the same records, and the rules travel inside the job.

Engines: Beam's in-process runner; the same with two worker processes
(multi_processing); the portable runner with DoFns in separate SDK worker
processes, as on Dataflow. multi_processing was seen to hang now and then, so
every run here is a subprocess with a time limit.
"""

import json
import shutil

import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.job import JobConfig, run_job
from pipeline.rules.files import load_rules
from tests.conftest import (
    BUNDLED_RULES,
    EXPECTED,
    FIXTURES,
    IN_PROCESS,
    PORTABLE_SUBPROCESS_WORKERS,
    RAW,
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
