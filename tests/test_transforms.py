import gzip
import zlib

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.records import Article, Rejection
from pipeline.rules.files import load_rules
from pipeline.transforms import CLEAN, FILE_COUNTS, NAMESPACE, RECORDS, REJECTED, CleanArticles, ReadArticles
from tests.conftest import BUNDLED_RULES, IN_PROCESS, RAW


def articles_and_rejections(read):
    """The reader's two kinds of record, which travel in one PCollection."""
    records = read[RECORDS]
    articles = records | "Articles" >> beam.Filter(lambda r: isinstance(r, Article))
    rejections = records | "Rejections" >> beam.Filter(lambda r: isinstance(r, Rejection))
    return articles, rejections


def beam_pipeline():
    return BeamTestPipeline(options=PipelineOptions(IN_PROCESS))


def counters(result) -> dict[str, int]:
    found = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]
    totals: dict[str, int] = {}
    for counter in found:
        totals[counter.key.metric.name] = totals.get(counter.key.metric.name, 0) + counter.committed
    return totals


def test_read_articles_gives_one_record_per_file_or_json_line_and_rejects_bad_lines():
    with beam_pipeline() as pipeline:
        articles, rejections = articles_and_rejections(pipeline | ReadArticles(str(RAW / "*")))
        assert_that(articles | beam.Map(lambda a: (a.id, a.line)), equal_to([
            ("000_82a298d765422ea0", None), ("002_fb6e392a3bbb2a7b", None), ("storm-page", None),
            ("wire-001", 1), ("wire.jsonl:2", 2), ("1017", 6), ("wire.jsonl:7", 7),
        ]), label="Articles")
        assert_that(rejections | beam.Map(lambda r: (r.line, r.stage, r.reason)), equal_to([
            (3, "parse", "invalid_json"), (5, "parse", "missing_text"),
        ]), label="Rejected")


def test_forced_format_and_gzip_input(tmp_path):
    with gzip.open(tmp_path / "story.data.gz", "wt", encoding="utf-8") as out:
        out.write('{"id": "g1", "text": "Title\\n\\nBody"}\n\n{"id": "g2", "text": "T\\n\\nB"}\n')
    with beam_pipeline() as pipeline:
        read = pipeline | ReadArticles(str(tmp_path / "*.gz"), input_format="jsonl")
        assert_that(read[RECORDS] | beam.Map(lambda a: (a.id, a.line, a.text)),
                    equal_to([("g1", 1, "Title\n\nBody"), ("g2", 3, "T\n\nB")]))


def test_a_truncated_gzip_keeps_what_was_read_and_rejects_the_rest(tmp_path):
    data = gzip.compress(b"".join(b'{"id": "%d", "text": "T\\n\\nB %d"}\n' % (i, i) for i in range(2000)))
    cut = data[: len(data) // 2]
    (tmp_path / "cut.jsonl.gz").write_bytes(cut)
    readable = zlib.decompressobj(wbits=31).decompress(cut)
    complete_lines = readable.count(b"\n")
    with beam_pipeline() as pipeline:
        read = pipeline | ReadArticles(str(tmp_path / "*"))
        articles, rejections = articles_and_rejections(read)
        assert_that(articles | beam.combiners.Count.Globally(), equal_to([complete_lines]), label="Articles")
        # Lines seen: the complete ones, and the cut rest as one more.
        assert_that(read[FILE_COUNTS] | beam.Map(lambda pair: pair[1]), equal_to([(complete_lines + 1, 0, 0, 0)]),
                    label="Seen")
        assert_that(rejections | beam.Map(lambda r: (r.line, r.stage, r.reason)),
                    equal_to([(complete_lines + 1, "read", "unreadable")]), label="Rejected")


def test_clean_articles_splits_clean_from_rejected_and_counts_both():
    articles = [
        Article(id="ok", text="Storm\n\n2 minutes\nStorm\n\nWinds rose.", source="a.txt"),
        Article(id="empty", text=" \n ", source="b.txt"),
        Article(id="only-cruft", text="Storm\n\n• Comments", source="c.txt"),
    ]
    pipeline = beam_pipeline()
    cleaned = pipeline | beam.Create(articles) | CleanArticles(load_rules([str(BUNDLED_RULES)]))
    assert_that(cleaned[CLEAN] | beam.Map(lambda c: (c.id, c.title, c.text, c.stats["rules"])),
                equal_to([("ok", "Storm", "Winds rose.", {"read-time-line": 1})]), label="Clean")
    assert_that(cleaned[REJECTED] | beam.Map(lambda r: (r.id, r.source, r.stage, r.reason)), equal_to([
        ("empty", "b.txt", "normalize", "empty_text"),
        ("only-cruft", "c.txt", "clean", "empty_after_cleaning"),
    ]), label="Rejected")
    result = pipeline.run()
    result.wait_until_finish()
    found = counters(result)
    assert {name: found[name] for name in (
        "docs.clean", "docs.rejected", "docs.rejected.empty_text", "docs.rejected.empty_after_cleaning",
        "rule.read-time-line.hits", "rule.read-time-line.docs", "headline.repeats_removed",
    )} == {
        "docs.clean": 1, "docs.rejected": 2, "docs.rejected.empty_text": 1, "docs.rejected.empty_after_cleaning": 1,
        "rule.read-time-line.hits": 1, "rule.read-time-line.docs": 1, "headline.repeats_removed": 1,
    }
    assert "rule.comment-widget.hits" not in found  # hits count in articles written clean only


def test_an_unforeseen_error_rejects_only_that_article():
    # The readers always give text; an Article without it stands for a bug in the core.
    articles = [Article(id="bad", text=None, source="a.txt"), Article(id="good", text="T\n\ncalm", source="b.txt")]
    with beam_pipeline() as pipeline:
        cleaned = pipeline | beam.Create(articles) | CleanArticles([])
        assert_that(cleaned[CLEAN] | beam.Map(lambda c: c.id), equal_to(["good"]), label="Clean")
        assert_that(cleaned[REJECTED] | beam.Map(lambda r: (r.id, r.stage, r.reason, r.detail.startswith("unexpected"))),
                    equal_to([("bad", "clean", "internal_error", True)]), label="Rejected")
