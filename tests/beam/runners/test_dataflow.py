"""The Dataflow job graph, built for real and offline (--dry_run), needs no credentials.

Needs the 'dataflow' extra (apache-beam[gcp]); without it these tests are skipped.
CI installs it: NEWSCLEAN_EXTRAS=test,dataflow ./run_local.sh test
"""

import pytest

pytest.importorskip("apitools", reason="the 'dataflow' extra (apache-beam[gcp]) is not installed")

from apache_beam.internal import pickler
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.portability.api import beam_runner_api_pb2

from pipeline.beam.job import JobConfig, build_pipeline
from pipeline.beam.rule_files import load_rules
from pipeline.beam.transforms import CleanArticleFn
from pipeline.commands import cli, run
from pipeline.commands.options import pipeline_options
from tests.conftest import BUNDLED_RULES, FIXTURES, run_cli

DATAFLOW_DRY_RUN = ["--runner=DataflowRunner", "--project=example-project", "--region=us-central1",
                    "--temp_location=gs://example-bucket/tmp", "--dry_run=True"]


@pytest.fixture(scope="module")
def job():
    rules = load_rules([str(BUNDLED_RULES), str(FIXTURES / "rules")])
    config = JobConfig(input_pattern="gs://example-bucket/raw/*.jsonl", output_dir="gs://example-bucket/clean",
                       rules=rules)
    result = build_pipeline(config, PipelineOptions(DATAFLOW_DRY_RUN)).run()
    # Beam's dry run sets the job it would submit on a plain PipelineResult, which does not declare it.
    return rules, result.job.proto_pipeline  # type: ignore[attr-defined]


def test_the_graph_holds_every_step_of_the_pipeline(job):
    _, graph = job
    top_level = {t.unique_name for t in graph.components.transforms.values() if "/" not in t.unique_name}
    assert {"ReadArticles", "CleanArticles", "WriteClean", "WriteRejected", "ReconcileFiles",
            "WriteFileTallies", "CountDuplicateIds"} <= top_level


def test_the_rules_are_inside_the_graph(job):
    rules, graph = job
    [cleaner] = [t for t in graph.components.transforms.values()
                 if t.spec.urn == "beam:transform:pardo:v1" and t.unique_name.endswith("ParDo(CleanArticleFn)")]
    clean_fn = pickler.loads(beam_runner_api_pb2.ParDoPayload.FromString(cleaner.spec.payload).do_fn.payload)[0]
    assert isinstance(clean_fn, CleanArticleFn)
    assert clean_fn.rules == rules
    assert "example-news-subscribe" in [rule.name for rule in clean_fn.rules]


def test_dry_run_through_the_command_line_builds_the_job_and_returns(tmp_path):
    done = run_cli("run", "--input", "fixtures/raw/*", "--output", str(tmp_path), *DATAFLOW_DRY_RUN)
    assert done.returncode == 0, done.stderr
    assert f"job submitted; it writes {tmp_path}/summary.json when it finishes" in done.stdout
    assert not (tmp_path / "summary.json").exists()   # a dry run runs nothing


def test_the_job_flags_reach_the_dataflow_job_options():
    args, beam_flags = cli.build_parser().parse_known_args(
        ["run", "--input", "gs://example-bucket/raw/*.jsonl", "--output", "gs://example-bucket/clean",
         "--dedup", "near", *DATAFLOW_DRY_RUN], namespace=run.Args())
    config = JobConfig(input_pattern=args.input, output_dir=args.output, rules=load_rules([str(BUNDLED_RULES)]))
    result = build_pipeline(config, pipeline_options(args, beam_flags)).run()
    # The options Dataflow records for the job and shows in its options panel (the dry run's job, as above).
    shown = result.job.options.get_all_options(drop_default=True, retain_unknown_options=True)  # type: ignore[attr-defined]
    assert {key: shown[key] for key in ("input", "output", "dedup", "runner")} == {
        "input": "gs://example-bucket/raw/*.jsonl", "output": "gs://example-bucket/clean", "dedup": "near",
        "runner": "DataflowRunner"}
