"""The Beam layer: DoFns that call the text core, and composites that read like the job.

Every record read ends up in exactly one of two outputs: clean articles, or
rejections that say which stage failed and why. Counters (namespace
``newsclean``) count both, so a runner's UI shows the same numbers as the summary.
"""

from __future__ import annotations

import bz2
import gzip
from typing import BinaryIO, Sequence

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipeline.clean import Cleaner, CleanOptions
from pipeline.readers import JsonlFields, article_from_file, article_from_json_line, detect_format
from pipeline.records import RAW_PREVIEW_CHARS, Article, CleanArticle, Rejected, Rejection
from pipeline.rules import Rule

NAMESPACE = "newsclean"
ARTICLES = "articles"
CLEAN = "clean"
REJECTED = "rejected"
FAILED = "failed"

DOCS_READ = "docs.read"
DOCS_CLEAN = "docs.clean"
DOCS_REJECTED = "docs.rejected"
BYTES_IN = "bytes.in"
BYTES_OUT = "bytes.out"
HEADLINE_REPEATS = "headline.repeats_removed"
MASS_REMOVAL = "docs.flagged.mass_removal"


def rule_hits_counter(rule_name: str) -> str:
    return f"rule.{rule_name}.hits"


def rule_docs_counter(rule_name: str) -> str:
    return f"rule.{rule_name}.docs"


def rejected_counter(reason: str) -> str:
    return f"{DOCS_REJECTED}.{reason}"


def _open(readable_file: fileio.ReadableFile) -> BinaryIO:
    """Open a matched file, decompressing by extension.

    Beam's own gzip and bzip2 readers stop quietly at a truncated end; Python's
    raise EOFError, so a cut-off archive becomes a rejection instead of a silent loss.
    """
    path = readable_file.metadata.path.lower()
    for suffix, module in ((".gz", gzip), (".bz2", bz2)):
        if path.endswith(suffix):
            return module.open(readable_file.open(compression_type=CompressionTypes.UNCOMPRESSED))
    return readable_file.open()


def _count_rejection(rejection: Rejection) -> Rejection:
    Metrics.counter(NAMESPACE, DOCS_REJECTED).inc()
    Metrics.counter(NAMESPACE, rejected_counter(rejection.reason)).inc()
    return rejection


class ReadArticlesFn(beam.DoFn):
    """A matched file to articles: the whole file for text and HTML, a line for JSONL."""

    def __init__(self, input_format: str, fields: JsonlFields):
        self.input_format = input_format
        self.fields = fields
        self.docs_read = Metrics.counter(NAMESPACE, DOCS_READ)
        self.bytes_in = Metrics.counter(NAMESPACE, BYTES_IN)

    def process(self, readable_file: fileio.ReadableFile):
        path = readable_file.metadata.path
        fmt = detect_format(path) if self.input_format == "auto" else self.input_format
        records = self._json_lines(readable_file, path) if fmt == "jsonl" else self._whole_file(readable_file, path, fmt)
        for record in records:
            self.docs_read.inc()
            if isinstance(record, Rejection):
                yield beam.pvalue.TaggedOutput(REJECTED, _count_rejection(record))
            else:
                yield record

    def _whole_file(self, readable_file, path: str, fmt: str):
        try:
            with _open(readable_file) as stream:
                data = stream.read()
        except Exception as error:  # a corrupt archive or a vanished file rejects that file only
            yield Rejection("read", "unreadable", f"could not read the file: {error!r}", source=path)
            return
        self.bytes_in.inc(len(data))
        try:
            yield article_from_file(path, data, fmt)
        except Rejected as error:
            yield Rejection.of(error, path, data.decode("utf-8", "replace"))

    def _json_lines(self, readable_file, path: str):
        line_no = 0
        try:
            with _open(readable_file) as stream:
                # Beam's CompressedFile is not iterable; readline() works on every stream.
                for line_no, line in enumerate(iter(stream.readline, b""), 1):
                    if not line.strip():
                        continue
                    self.bytes_in.inc(len(line))
                    try:
                        yield article_from_json_line(line, path, line_no, self.fields)
                    except Rejected as error:
                        yield Rejection.of(error, path, line.decode("utf-8", "replace"), line=line_no)
        except Exception as error:  # e.g. a truncated .gz: what was read stays, the rest is one rejection
            yield Rejection("read", "unreadable", f"could not read past line {line_no}: {error!r}",
                            source=path, line=line_no + 1)


class CleanArticleFn(beam.DoFn):
    """Runs the text core; rules arrive as plain data and compile in setup()."""

    def __init__(self, rules: Sequence[Rule], options: CleanOptions):
        self.rules = list(rules)
        self.options = options

    def setup(self):
        self.cleaner = Cleaner(self.rules, self.options)
        self.docs_clean = Metrics.counter(NAMESPACE, DOCS_CLEAN)
        self.bytes_out = Metrics.counter(NAMESPACE, BYTES_OUT)
        self.headline_repeats = Metrics.counter(NAMESPACE, HEADLINE_REPEATS)
        self.mass_removal = Metrics.counter(NAMESPACE, MASS_REMOVAL)
        self.rule_hits = {r.name: Metrics.counter(NAMESPACE, rule_hits_counter(r.name)) for r in self.rules}
        self.rule_docs = {r.name: Metrics.counter(NAMESPACE, rule_docs_counter(r.name)) for r in self.rules}

    def process(self, article: Article):
        try:
            clean = self.cleaner.clean(article)
        except Rejected as error:
            yield beam.pvalue.TaggedOutput(
                REJECTED, _count_rejection(Rejection.of(error, article.source, article.text, article.id, article.line)))
            return
        self.docs_clean.inc()
        self.bytes_out.inc(len(clean.title.encode("utf-8")) + len(clean.text.encode("utf-8")))
        self.headline_repeats.inc(clean.stats["headline_repeats"])
        if clean.stats.get("mass_removal"):
            self.mass_removal.inc()
        for name, hits in clean.stats["rules"].items():
            self.rule_hits[name].inc(hits)
            self.rule_docs[name].inc()
        yield clean


def _unexpected_failure(failure) -> Rejection:
    article, (error_type, error_repr, _traceback) = failure
    text = article.text if isinstance(article.text, str) else repr(article.text)
    return _count_rejection(Rejection(
        "clean", "internal_error", f"unexpected {error_type.__name__} while cleaning: {error_repr}; please report it",
        source=article.source, id=article.id, line=article.line, raw_start=text[:RAW_PREVIEW_CHARS]))


class ReadArticles(beam.PTransform):
    """Files matching a glob to articles (main output) and rejections (``REJECTED``)."""

    def __init__(self, file_pattern: str, input_format: str = "auto", fields: JsonlFields = JsonlFields()):
        super().__init__()
        self.file_pattern = file_pattern
        self.input_format = input_format
        self.fields = fields

    def expand(self, pipeline):
        return (
            pipeline
            | "MatchFiles" >> fileio.MatchFiles(self.file_pattern)
            | "OpenFiles" >> fileio.ReadMatches()
            | "ParseRecords" >> beam.ParDo(ReadArticlesFn(self.input_format, self.fields))
                .with_outputs(REJECTED, main=ARTICLES)
        )


class CleanArticles(beam.PTransform):
    """Articles to clean articles (``CLEAN``) and rejections (``REJECTED``).

    An exception the core did not foresee rejects that one article as
    ``internal_error`` instead of failing the job.
    """

    def __init__(self, rules: Sequence[Rule], options: CleanOptions = CleanOptions()):
        super().__init__()
        self.rules = rules
        self.options = options

    def expand(self, articles):
        results = (
            articles
            | "SpreadOverWorkers" >> beam.Reshuffle()
            | "Clean" >> beam.ParDo(CleanArticleFn(self.rules, self.options))
                .with_output_types(CleanArticle, **{REJECTED: Rejection})
                .with_outputs(REJECTED, main=CLEAN)
                .with_exception_handling(dead_letter_tag=FAILED)
        )
        failures = results[FAILED] | "RejectFailures" >> beam.Map(_unexpected_failure)
        rejected = (results[REJECTED], failures) | "AllRejections" >> beam.Flatten()
        return {CLEAN: results[CLEAN], REJECTED: rejected}


class WriteJsonl(beam.PTransform):
    """Records with a ``to_json()`` to ``DIR/PREFIX-SSSSS-of-NNNNN.jsonl``."""

    def __init__(self, output_dir: str, prefix: str):
        super().__init__()
        self.path_prefix = FileSystems.join(output_dir, prefix)

    def expand(self, records):
        return (
            records
            | "ToJson" >> beam.Map(lambda record: record.to_json())
            | "WriteFiles" >> beam.io.WriteToText(self.path_prefix, file_name_suffix=".jsonl")
        )
