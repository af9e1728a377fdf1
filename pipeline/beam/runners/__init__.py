"""What the job knows of the runners it is launched on: their names, and what each can do.

The Dask runner the job uses is ``pipeline.beam.runners.dask`` (Beam's own, with what this job needs of it); it
imports dask, an extra, so only a job launched on it imports it.
"""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

# What --runner=DaskRunner (or Beam's own module path for it) runs: Beam's Dask runner with every sink run.
DASK_RUNNER = "pipeline.beam.runners.dask.DaskRunner"
# Runners whose results have no metrics to query (Beam's DaskRunnerResult.metrics() raises NotImplementedError):
# the job's summary is computed in the pipeline, but what reports from Beam's counters (mine) cannot run there.
RUNNERS_WITHOUT_METRICS = {"DaskRunner"}
# Runners that cannot drive a splittable DoFn (Beam's Dask runner translates none): the job plans its files'
# byte ranges at launch for them and reads each range in a plain DoFn (transforms.ReadPlannedFn).
PLANNED_READ_RUNNERS = {"DaskRunner"}


def runner_name(options: PipelineOptions) -> str | None:
    """The runner's class name, also for a runner named by its module path, as Beam allows.

    >>> runner_name(PipelineOptions(["--runner=apache_beam.runners.dask.dask_runner.DaskRunner"]))
    'DaskRunner'
    >>> runner_name(PipelineOptions([])) is None
    True
    """
    runner = options.view_as(StandardOptions).runner
    return runner.rsplit(".", 1)[-1] if runner else None


def plans_reads(options: PipelineOptions) -> bool:
    """Whether the job's input is planned into byte ranges at launch (a runner without splittable DoFns).

    >>> plans_reads(PipelineOptions(["--runner=DaskRunner"])), plans_reads(PipelineOptions(["--runner=FnApiRunner"]))
    (True, False)
    """
    return runner_name(options) in PLANNED_READ_RUNNERS


def wants_dask(flags: list[str]) -> bool:
    """Whether Beam flags name the Dask runner or one of its options (``--dask_client_address``...), whose parser
    exists only once the runner (and so dask, an extra) is imported.

    >>> wants_dask(["--runner", "DaskRunner"]), wants_dask(["--dask_client_address=tcp://h:8786"]), wants_dask([])
    (True, True, False)
    """
    return any(flag.rsplit(".", 1)[-1] in ("DaskRunner", "--runner=DaskRunner") or flag.startswith("--dask_")
               for flag in flags)


def use_our_runners(options: PipelineOptions) -> PipelineOptions:
    """Name the Dask runner by its class in this package: Beam knows no ``DaskRunner`` by name, and its own
    (``apache_beam.runners.dask.dask_runner.DaskRunner``) runs only the last sink of a pipeline."""
    if runner_name(options) == "DaskRunner":
        options.view_as(StandardOptions).runner = DASK_RUNNER
    return options


# Runners whose job runs in this process or beside it, on this machine: progress lines can be kept for them.
LOCAL_RUNNERS = {None, "DirectRunner", "SwitchingDirectRunner", "BundleBasedDirectRunner", "FnApiRunner", "PrismRunner"}
# Runners whose job lives on after the launcher exits: `run` submits to them and returns (unless --wait). Every
# other runner's job ends with this process (the local runners, Dask's local cluster, a Flink or Spark runner's
# job server started here), so `run` waits for it: returning would lose the job with exit 0.
DETACHED_RUNNERS = {"DataflowRunner", "TestDataflowRunner"}


def runs_locally(options: PipelineOptions) -> bool:
    runner = runner_name(options)
    if runner == "PortableRunner":
        return options.get_all_options().get("job_endpoint") == "embed"
    return runner in LOCAL_RUNNERS


def outlives_launcher(options: PipelineOptions) -> bool:
    """Whether the job goes on when this process exits: on Dataflow, or on a job server this process did not
    start whose workers are not this process (a portable ``--job_endpoint`` without ``LOOPBACK``)."""
    runner = runner_name(options)
    if runner == "PortableRunner":
        flags = options.get_all_options()
        return flags.get("job_endpoint") not in (None, "embed") and flags.get("environment_type") != "LOOPBACK"
    return runner in DETACHED_RUNNERS
