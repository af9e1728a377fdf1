"""The job on a real distributed engine: a Dask cluster of two worker processes over TCP, started here."""

import json
import shutil
import typing

import pytest

from tests.conftest import FIXTURES, IN_PROCESS, RAW, read_output, run_cli, run_cli_process

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install -e '.[dask]'")

KINDS = ("clean", "rejected", "duplicates", "files", "removed")


def outputs(folder) -> dict:
    """Every output, records sorted whatever shape the job writes, and the summary without the options that
    name the runner."""
    summary = json.loads((folder / "summary.json").read_text())
    del summary["provenance"]["options"]
    return {**{kind: sorted(map(json.dumps, read_output(folder, kind))) for kind in KINDS}, "summary": summary}


def test_the_job_on_a_two_worker_dask_cluster_writes_what_the_direct_runner_writes(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in [*RAW.iterdir(), FIXTURES / "dedup" / "articles.jsonl"]:   # the fixtures, and near duplicates
        shutil.copy(path, inputs)
    flags = ("--input", str(inputs / "*"), "--dedup", "near", "--ledger")
    # FnApiRunner: what the DirectRunner runs here, pinned (conftest.IN_PROCESS).
    in_process = run_cli("run", *flags, "--output", str(tmp_path / "direct"), *IN_PROCESS)
    assert in_process.returncode == 0, in_process.stderr
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client, distributed.get_task_stream(client) as tasks:
        done = run_cli_process("run", *flags, "--output", str(tmp_path / "dask"), "--runner=DaskRunner",
                               f"--dask_client_address={cluster.scheduler_address}")
        workers = client.scheduler_info()["workers"]
    assert done.returncode == 0, done.stderr
    # The job's bundles ran on this cluster's workers, not on a cluster of the launcher's own.
    ran_on = {task["worker"] for task in tasks.data if "pardo-" in str(task["key"])}
    assert ran_on and ran_on <= set(workers)
    dask, direct = outputs(tmp_path / "dask"), outputs(tmp_path / "direct")
    assert dask == direct
    docs = dask["summary"]["documents"]
    assert docs["duplicates"] > 0 and docs["rejected"] == 2 and dask["removed"]
    assert docs["read"] == docs["clean"] + docs["rejected"] + docs["duplicates"]


@pytest.mark.parametrize("runner", ["DaskRunner", "apache_beam.runners.dask.dask_runner.DaskRunner"])
def test_dask_runner_by_name_or_beams_path_is_the_one_that_runs_every_sink(runner):
    from apache_beam.options.pipeline_options import StandardOptions

    from pipeline.beam.runners import DASK_RUNNER
    from pipeline.commands import run
    from pipeline.commands.cli import build_parser
    from pipeline.commands.options import pipeline_options

    args, extra = build_parser().parse_known_args(["run", "--input", "x", "--output", "y", f"--runner={runner}"],
                                                  namespace=run.Args())
    assert pipeline_options(args, extra).view_as(StandardOptions).runner == DASK_RUNNER


def test_mine_on_the_dask_runner_is_refused_before_reading(tmp_path):
    done = run_cli("mine", "--input", str(RAW / "*"), "--output", str(tmp_path / "drafts"), "--runner=DaskRunner")
    assert done.returncode == 2
    assert "mine reports from Beam's counters, which the DaskRunner does not collect" in done.stderr


class RecordSetups:
    """A DoFn's setups, seen from this process: the in-process cluster below runs tasks on threads here."""

    threads: typing.ClassVar[list[int]] = []


def test_a_dofn_is_set_up_once_per_worker_thread_not_once_per_partition():
    import threading

    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.beam.runners import use_our_runners

    class CountSetups(beam.DoFn):
        def setup(self):
            RecordSetups.threads.append(threading.get_ident())

        def process(self, element):
            yield element

    RecordSetups.threads.clear()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        options = use_our_runners(PipelineOptions(["--runner=DaskRunner",
                                                   f"--dask_client_address={cluster.scheduler_address}"]))
        with beam.Pipeline(options=options) as pipeline:
            # Reshuffle splits the elements into 4 partitions per worker thread: 4 bundles of CountSetups.
            _ = pipeline | beam.Create(range(40)) | beam.Reshuffle() | beam.ParDo(CountSetups())
    assert len(RecordSetups.threads) == 1
