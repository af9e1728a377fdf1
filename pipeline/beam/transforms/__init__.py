"""The Beam layer: DoFns that call the text core, and composites that read like the job, by job:

- ``reading``: files to records (``ReadArticles``), byte ranges the runner splits or planned at launch;
- ``cleaning``: records to clean articles, rejections and the ledger (``CleanArticles``);
- ``accounting``: counter names, bundle counts and the job's totals, the per-file reconciliation.

Every record read ends up in exactly one of two outputs: clean articles, or rejections that say which stage
failed and why. Counters (namespace ``newsclean``) count both, so a runner's UI shows the same numbers as the
summary. No per-record stream is joined with a Flatten: FnApiRunner materialises a Flatten's inputs, so one
would hold every rejection (or every per-record tally) of a run in memory. The reader's rejections travel with
the articles through ``CleanArticleFn``, and tallies are counted per bundle before they are combined.
"""

from pipeline.beam.transforms.accounting import (
    BYTES_IN,
    BYTES_OUT,
    DOCS_CLEAN,
    DOCS_READ,
    DOCS_REJECTED,
    DUPLICATE_IDS,
    FILE_COUNTS,
    HEADLINE_REPEATS,
    LANGUAGE_CLEAN,
    LANGUAGE_DUPLICATE,
    LANGUAGE_REJECTED,
    MASS_REMOVAL,
    NAMESPACE,
    RECORDS,
    REPEATED_PARAGRAPHS,
    STATS,
    TRUNCATED,
    BundleCounters,
    CountDuplicateIds,
    FilesReconciled,
    ReconcileFiles,
    SumCounts,
    language_counter,
    language_duplicate_counter,
    language_rejected_counter,
    moved_to_duplicates,
    once,
    rejected_counter,
    rule_docs_counter,
    rule_hits_counter,
)
from pipeline.beam.transforms.cleaning import (
    CleanArticleFn,
    CleanArticles,
)
from pipeline.beam.transforms.reading import (
    RANGE_BYTES,
    ReadArticles,
    ReadArticlesFn,
    ReadPlannedFn,
    ReadTask,
    plan_reads,
)

__all__ = [
    "BYTES_IN",
    "BYTES_OUT",
    "DOCS_CLEAN",
    "DOCS_READ",
    "DOCS_REJECTED",
    "DUPLICATE_IDS",
    "FILE_COUNTS",
    "HEADLINE_REPEATS",
    "LANGUAGE_CLEAN",
    "LANGUAGE_DUPLICATE",
    "LANGUAGE_REJECTED",
    "MASS_REMOVAL",
    "NAMESPACE",
    "RANGE_BYTES",
    "RECORDS",
    "REPEATED_PARAGRAPHS",
    "STATS",
    "TRUNCATED",
    "BundleCounters",
    "CleanArticleFn",
    "CleanArticles",
    "CountDuplicateIds",
    "FilesReconciled",
    "ReadArticles",
    "ReadArticlesFn",
    "ReadPlannedFn",
    "ReadTask",
    "ReconcileFiles",
    "SumCounts",
    "language_counter",
    "language_duplicate_counter",
    "language_rejected_counter",
    "moved_to_duplicates",
    "once",
    "plan_reads",
    "rejected_counter",
    "rule_docs_counter",
    "rule_hits_counter",
]
