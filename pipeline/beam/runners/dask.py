"""``--runner=DaskRunner``: Beam's Dask runner, with what this job needs of it.

Beam 2.77's ``apache_beam.runners.dask.dask_runner.DaskRunner`` turns each transform into a ``dask.bag`` operation,
but (read in its source, and seen running this job on a ``distributed.LocalCluster``):

- it computes only the last transform's bag, so a pipeline with several sinks runs one of them (the others'
  files are never written, and the job still ends DONE);
- a ParDo's outputs share one bag: every consumer of a tagged output (``FILE_COUNTS``, ``REJECTED``) got all of
  them, which is how a per-file tally, a ``tuple``, reached ``CleanArticleFn`` ("'tuple' object has no attribute
  'source'");
- what a DoFn emits in ``finish_bundle`` is dropped (the bundle's results are taken before it runs), so
  ``WriteToText`` wrote no shard and finalised one empty file, and our bundle counts were lost;
- a side input is a bag iterated inside the consuming task, which computes its whole upstream again there;
- ``Reshuffle`` is an identity, so a short ``Create`` (the planned byte ranges) stays one partition: one task.

:class:`DaskRunner` keeps Beam's overrides and its translations of Create, GroupByKey and Flatten, and translates
ParDo and Reshuffle itself: a bag per PCollection (a ParDo's outputs split by tag), ``finish_bundle`` outputs kept,
side inputs computed once and handed to the task whole, a Reshuffle split into enough partitions for every
worker thread, and every PCollection nothing consumes computed. It still has no metrics (Beam's
``DaskRunnerResult.metrics()`` raises ``NotImplementedError``), no splittable DoFns (the job plans its reads for
it: ``runners.plans_reads``), and drops windows and timestamps (this job is one global window).
"""

from __future__ import annotations

import threading
import typing
import uuid

import dask.bag as db
import distributed
from apache_beam import DoFn, ParDo, pvalue
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.pipeline import AppliedPTransform, PipelineVisitor
from apache_beam.runners.common import DoFnContext, DoFnInvoker, DoFnSignature, Receiver, _OutputHandler
from apache_beam.runners.dask import dask_runner as beam_dask
from apache_beam.runners.dask.overrides import _Create, _Flatten, _GroupByKeyOnly, _Reshuffle, dask_overrides
from apache_beam.runners.dask.transform_evaluator import Create, Flatten, GroupByKey, get_windowed_value
from apache_beam.runners.runner import PipelineState
from apache_beam.transforms.sideinputs import SideInputMap
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

# Partitions a Reshuffle makes per worker thread, at least: enough that a slow partition does not hold one
# worker while the others wait.
PARTITIONS_PER_THREAD = 4


class _TagReceiver(Receiver):
    """Collects one output tag's values as ``(tag, value)`` pairs, in the bundle's one list."""

    def __init__(self, tag: str | None, out: list):
        self.tag = tag
        self.out = out

    def receive(self, windowed_value) -> None:
        self.out.append((self.tag, windowed_value.value))


class _Receivers(dict):
    def __init__(self):
        super().__init__()
        self.out: list = []

    def __missing__(self, tag):
        self[tag] = receiver = _TagReceiver(tag, self.out)
        return receiver


# The DoFns set up in this worker thread, by their ParDo's key: Beam sets a DoFn up once and runs many bundles
# through it (CleanArticleFn compiles every rule and loads the language model in setup()), while each Dask task
# unpickles a fresh copy. Per thread, because a DoFn instance runs one bundle at a time.
_SET_UP = threading.local()


def _set_up(key: str, fn: DoFn, invoker: DoFnInvoker) -> DoFn:
    """The DoFn this thread set up for ``key``; ``fn`` set up now (through ``invoker``) if there is none yet."""
    done: dict[str, DoFn] = _SET_UP.__dict__.setdefault("fns", {})
    if key not in done:
        invoker.invoke_setup()
        done[key] = fn
    return done[key]


class _Bundle:
    """A ParDo over one partition, as one bundle: start_bundle, every element, finish_bundle (its outputs kept).
    The DoFn is set up once per worker thread and never torn down (Beam does not promise teardown; none of this
    job's DoFns has one). Returns every output as ``(tag, value)``, tag None for the main output."""

    def __init__(self, fn: DoFn, label: str, window_fn, args, kwargs, side_views: list):
        # One key per ParDo of one pipeline run, so two runs in one worker never share a set-up DoFn.
        self.key = f"{label}/{uuid.uuid4().hex}"
        self.fn = fn
        self.label = label
        self.window_fn = window_fn
        self.args = list(args)
        self.kwargs = kwargs
        self.side_views = side_views

    def __call__(self, items, *side_values) -> list:
        receivers = _Receivers()
        handler = _OutputHandler(window_fn=self.window_fn, main_receivers=receivers[None], tagged_receivers=receivers,
                                 per_element_output_counter=None, output_batch_converter=None,
                                 process_yields_batches=False, process_batch_yields_elements=False)
        side_inputs = [SideInputMap(view_class, view_options,
                                    [get_windowed_value(value, self.window_fn) for value in values])
                       for (view_class, view_options), values in zip(self.side_views, side_values, strict=True)]
        def invoker_of(fn: DoFn) -> DoFnInvoker:
            return DoFnInvoker.create_invoker(
                DoFnSignature(fn), handler, context=DoFnContext(self.label, state=None), side_inputs=side_inputs,
                input_args=self.args, input_kwargs=self.kwargs, user_state_context=None,
                bundle_finalizer_param=DoFn.BundleFinalizerParam())
        fresh = invoker_of(self.fn)
        fn = _set_up(self.key, self.fn, fresh)
        invoker = fresh if fn is self.fn else invoker_of(fn)
        invoker.invoke_start_bundle()
        for item in items:
            invoker.invoke_process(get_windowed_value(item, self.window_fn))
        invoker.invoke_finish_bundle()
        return receivers.out


def _concat(partitions) -> list:
    return [value for partition in partitions for value in partition]


def _drain(partition) -> list:
    """A leaf's partition computed and dropped: the job's outputs are its files, not values sent to the launcher."""
    for _ in partition:
        pass
    return []


class _BagPerPCollection(PipelineVisitor):
    """Builds a bag for every PCollection of the pipeline (after Beam's Dask overrides)."""

    def __init__(self, bag_kwargs: dict, partitions: int):
        self.bag_kwargs = bag_kwargs
        self.partitions = partitions   # at least this many after a Reshuffle
        self.bags: dict[pvalue.PValue, db.Bag] = {}
        self.consumed: set[pvalue.PValue] = set()

    def visit_transform(self, node: AppliedPTransform) -> None:
        inputs = [value for value in node.inputs if isinstance(value, pvalue.PCollection)]
        self.consumed.update(inputs)
        self.consumed.update(side.pvalue for side in node.side_inputs)
        bags = [self.bags[value] for value in inputs]
        transform = node.transform
        if type(transform) is ParDo:
            out = self._par_do(node, bags[0])
            for pcoll in node.outputs.values():
                self.bags[pcoll] = out.filter(lambda pair, tag=pcoll.tag: pair[0] == tag).map(lambda pair: pair[1])
            return
        if isinstance(transform, _Create):
            bag = Create(node, bag_kwargs=self.bag_kwargs).apply(None)
        elif isinstance(transform, _Flatten):
            bag = Flatten(node, bag_kwargs=self.bag_kwargs).apply(bags)
        elif isinstance(transform, _GroupByKeyOnly):
            bag = GroupByKey(node, bag_kwargs=self.bag_kwargs).apply(bags[0])
        elif isinstance(transform, _Reshuffle):
            bag = bags[0].repartition(npartitions=max(bags[0].npartitions, self.partitions))
        elif len(bags) == 1:
            # Beam's Dask runner treats the rest as identities too: WindowInto (one global window here) and the
            # GroupAlsoByWindow after a GroupByKey, whose grouping gives (key, values) already.
            bag = bags[0]
        else:
            raise NotImplementedError(f"the Dask runner cannot run {node.full_label} ({type(transform).__name__})")
        for pcoll in node.outputs.values():
            self.bags[pcoll] = bag

    def _par_do(self, node: AppliedPTransform, bag: db.Bag) -> db.Bag:
        transform = typing.cast(ParDo, node.transform)
        args, kwargs = transform.raw_side_inputs
        main_input = next(iter(node.main_inputs.values()))
        window_fn = main_input.windowing.windowfn if hasattr(main_input, "windowing") else None
        bundle = _Bundle(transform.fn, node.full_label, window_fn, args, kwargs,
                         [(type(side), side._view_options()) for side in node.side_inputs])
        # Each side input whole, computed once (a reduction of its bag) before the tasks that read it, not inside
        # each of them. The graph is made here, not by map_partitions: given a collection as an argument, that
        # copies the collection's graph under new keys for each consumer, so a write's initialize_write ran
        # once per step reading it (three temp folders per sink).
        sides = [self.bags[side.pvalue].reduction(list, _concat) for side in node.side_inputs]
        name = f"pardo-{tokenize(node.full_label, bag.name, *(side.key for side in sides))}"
        graph: dict[typing.Any, typing.Any] = {(name, i): (bundle, (bag.name, i), *(side.key for side in sides))
                                               for i in range(bag.npartitions)}
        dependencies: list[typing.Any] = [bag, *sides]
        return db.Bag(HighLevelGraph.from_collections(name, graph, dependencies=dependencies), name, bag.npartitions)

    def leaves(self) -> list[db.Bag]:
        return [bag.map_partitions(_drain) for pcoll, bag in self.bags.items() if pcoll not in self.consumed]


class DaskRunnerResult(beam_dask.DaskRunnerResult):
    """Closes the client when the job ends: a cluster it started (no ``--dask_client_address``) stops with it."""

    def wait_until_finish(self, duration=None) -> str:
        try:
            return super().wait_until_finish(duration)
        finally:
            if self.state in (PipelineState.DONE, PipelineState.FAILED):
                self.client.close()


class DaskRunner(beam_dask.DaskRunner):
    """Beam's Dask runner that runs every sink of the pipeline; see the module's docstring."""

    def run_pipeline(self, pipeline, options: PipelineOptions):
        dask_options = options.view_as(beam_dask.DaskOptions).get_all_options(drop_default=True, current_only=True)
        bag_kwargs = beam_dask.DaskOptions._extract_bag_kwargs(dask_options)
        client = distributed.Client(**dask_options)
        pipeline.replace_all(dask_overrides())
        threads = sum(client.nthreads().values()) or 1
        visitor = _BagPerPCollection(bag_kwargs, PARTITIONS_PER_THREAD * threads)
        pipeline.visit(visitor)
        return DaskRunnerResult(client, client.compute(visitor.leaves()))
