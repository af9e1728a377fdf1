import gzip
import os
import zlib

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import FileMetadata
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.beam.outputs import CLEAN, REJECTED
from pipeline.beam.rule_files import load_rules
from pipeline.beam.transforms import (
    FILE_COUNTS,
    NAMESPACE,
    RECORDS,
    STATS,
    CleanArticles,
    ReadArticles,
    ReadArticlesFn,
    ReadPlannedFn,
    plan_reads,
)
from pipeline.core.readers import ReadOptions
from pipeline.core.readers.decoding import readable_path
from pipeline.core.records import Article, Rejection
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
            ("wire-001", 0), ("wire.jsonl@340", 340), ("1017", 710), ("wire.jsonl@929", 929),
        ]), label="Articles")
        assert_that(rejections | beam.Map(lambda r: (r.line, r.stage, r.reason)), equal_to([
            (596, "parse", "invalid_json"), (650, "parse", "missing_text"),
        ]), label="Rejected")


def test_forced_format_and_gzip_input(tmp_path):
    with gzip.open(tmp_path / "story.data.gz", "wt", encoding="utf-8") as out:
        out.write('{"id": "g1", "text": "Title\\n\\nBody"}\n\n{"id": "g2", "text": "T\\n\\nB"}\n')
    with beam_pipeline() as pipeline:
        read = pipeline | ReadArticles(str(tmp_path / "*.gz"), input_format="jsonl")
        assert_that(read[RECORDS] | beam.Map(lambda a: (a.id, a.line, a.text)),
                    equal_to([("g1", 0, "Title\n\nBody"), ("g2", 39, "T\n\nB")]))


def test_a_truncated_gzip_keeps_what_was_read_and_rejects_the_rest(tmp_path):
    data = gzip.compress(b"".join(b'{"id": "%d", "text": "T\\n\\nB %d"}\n' % (i, i) for i in range(2000)))
    cut = data[: len(data) // 2]
    (tmp_path / "cut.jsonl.gz").write_bytes(cut)
    readable = zlib.decompressobj(wbits=31).decompress(cut)
    complete_lines = readable.count(b"\n")
    rest_starts = readable.rindex(b"\n") + 1
    with beam_pipeline() as pipeline:
        read = pipeline | ReadArticles(str(tmp_path / "*"))
        articles, rejections = articles_and_rejections(read)
        assert_that(articles | beam.combiners.Count.Globally(), equal_to([complete_lines]), label="Articles")
        # Lines seen: the complete ones, and the cut rest as one more.
        assert_that(read[FILE_COUNTS] | beam.Map(lambda pair: pair[1]), equal_to([(complete_lines + 1, 0, 0, 0)]),
                    label="Seen")
        assert_that(rejections | beam.Map(lambda r: (r.line, r.stage, r.reason)),
                    equal_to([(rest_starts, "read", "unreadable")]), label="Rejected")


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
    articles = [Article(id="bad", text=None, source="a.txt"),  # type: ignore[arg-type]  # the bug, on purpose
                Article(id="good", text="T\n\ncalm", source="b.txt")]
    with beam_pipeline() as pipeline:
        cleaned = pipeline | beam.Create(articles) | CleanArticles([])
        assert_that(cleaned[CLEAN] | beam.Map(lambda c: c.id), equal_to(["good"]), label="Clean")
        assert_that(cleaned[REJECTED] | beam.Map(lambda r: (r.id, r.stage, r.reason, r.detail.startswith("unexpected"))),
                    equal_to([("bad", "clean", "internal_error", True)]), label="Rejected")


# Lines that a split can land inside: an id-less one, blank and CRLF lines, one over the limit (60 bytes),
# one that is not JSON, Windows-1252 bytes, and a last line without a newline.
SPLIT_ME = (b'{"id": "a", "text": "T\\n\\nOne"}\n\n\r\n{"text": "T\\n\\nNo id"}\r\n'
            b'{"id": "long", "text": "' + b"x" * 80 + b'"}\n{not json}\n'
            b'{"id": "c", "text": "T\\n\\nCaf\xe9"}\n  \n{"id": "d", "text": "T\\n\\nLast"}')


def read_range(path: str, start: int, stop: int) -> tuple[list, int]:
    """What ReadArticlesFn makes of the byte range [start, stop) of a file, and the lines it counted as seen."""
    fn = ReadArticlesFn("auto", ReadOptions(max_doc_bytes=60))
    fn.setup()
    readable = fileio.ReadableFile(FileMetadata(path, os.path.getsize(path)))
    tracker = OffsetRestrictionTracker(OffsetRange(start, stop))
    out = list(fn.process(readable, tracker))
    tracker.check_done()   # the range was read to its end: a runner would fail the bundle otherwise
    records = [r for r in out if not isinstance(r, beam.pvalue.TaggedOutput)]
    [seen] = [r.value[1][0] for r in out if isinstance(r, beam.pvalue.TaggedOutput) and r.tag == FILE_COUNTS]
    return [(type(r).__name__, r.id, r.line, getattr(r, "reason", None)) for r in records], seen


def test_a_file_split_at_every_byte_gives_every_record_exactly_once(tmp_path):
    path = tmp_path / "split.jsonl"
    path.write_bytes(SPLIT_ME)
    whole, seen = read_range(str(path), 0, len(SPLIT_ME))
    assert whole == [
        ("Article", "a", 0, None), ("Article", "split.jsonl@35", 35, None), ("Rejection", None, 59, "too_large"),
        ("Rejection", None, 166, "invalid_json"), ("Article", "c", 177, None), ("Article", "d", 213, None),
    ]
    assert seen == 6
    for split in range(1, len(SPLIT_ME)):
        first, seen_first = read_range(str(path), 0, split)
        second, seen_second = read_range(str(path), split, len(SPLIT_ME))
        assert first + second == whole, split
        assert seen_first + seen_second == seen, split


def test_ranges_of_one_byte_read_in_a_pipeline_give_the_records_of_one_read(tmp_path):
    path = tmp_path / "split.jsonl"
    path.write_bytes(SPLIT_ME)
    with beam_pipeline() as pipeline:
        read = (
            pipeline
            | fileio.MatchFiles(str(path))
            | fileio.ReadMatches()
            | beam.ParDo(ReadArticlesFn("auto", ReadOptions(max_doc_bytes=60), range_bytes=1))
                .with_outputs(FILE_COUNTS, STATS, main=RECORDS)
        )
        assert_that(read[RECORDS] | beam.Map(lambda r: r.line), equal_to([0, 35, 59, 166, 177, 213]), label="Lines")
        assert_that(read[FILE_COUNTS] | beam.Map(lambda pair: pair[1][0]) | "SumSeen" >> beam.CombineGlobally(sum),
                    equal_to([6]), label="Seen")
        # Every line's bytes but the blank ones and the one over the limit, which is never held.
        assert_that(read[STATS] | beam.Map(lambda counts: counts["bytes.in"]) | "SumBytes" >> beam.CombineGlobally(sum),
                    equal_to([32 + 24 + 11 + 33 + 32]), label="Bytes")


def splittable_read(path: str, options: ReadOptions) -> list:
    """Everything ReadArticlesFn emits for a whole file in one restriction: records, FILE_COUNTS and STATS."""
    fn = ReadArticlesFn("auto", options)
    fn.setup()
    readable = fileio.ReadableFile(FileMetadata(path, os.path.getsize(path)))
    return list(fn.process(readable, OffsetRestrictionTracker(fn.initial_restriction(readable))))


def planned_read(path: str, options: ReadOptions, range_bytes: int) -> list:
    """Everything ReadPlannedFn emits for a file planned in ranges of ``range_bytes``, counts summed per kind."""
    fn = ReadPlannedFn("auto", options, range_bytes)
    fn.setup()
    out = [emitted for task in plan_reads(path, "auto", range_bytes) for emitted in fn.process(task)]
    records = [r for r in out if not isinstance(r, beam.pvalue.TaggedOutput)]
    seen = sum(r.value[1][0] for r in out if isinstance(r, beam.pvalue.TaggedOutput) and r.tag == FILE_COUNTS)
    stats = [r.value for r in out if isinstance(r, beam.pvalue.TaggedOutput) and r.tag == STATS]
    return [*records, beam.pvalue.TaggedOutput(FILE_COUNTS, (readable_path(path), (seen, 0, 0, 0))),
            beam.pvalue.TaggedOutput(STATS, {name: sum(counts[name] for counts in stats) for name in stats[0]})]


def outputs(emitted: list) -> list:
    return [(r.tag, r.value) if isinstance(r, beam.pvalue.TaggedOutput) else r for r in emitted]


def test_planned_ranges_of_any_size_give_the_splittable_reads_records_ids_and_tally(tmp_path):
    path = tmp_path / "split.jsonl"
    path.write_bytes(SPLIT_ME)
    options = ReadOptions(max_doc_bytes=60)
    whole = outputs(splittable_read(str(path), options))
    assert [(type(r).__name__, r.id, r.line) for r in whole[:-2]] == [
        ("Article", "a", 0), ("Article", "split.jsonl@35", 35), ("Rejection", None, 59), ("Rejection", None, 166),
        ("Article", "c", 177), ("Article", "d", 213)]
    assert whole[-2:] == [(FILE_COUNTS, (str(path), (6, 0, 0, 0))), (STATS, {"docs.read": 6, "bytes.in": 132})]
    # 1: a range per byte, a split at every byte; len(SPLIT_ME): one range.
    for range_bytes in range(1, len(SPLIT_ME) + 1):
        assert outputs(planned_read(str(path), options, range_bytes)) == whole, range_bytes


def test_a_compressed_jsonl_file_is_one_restriction_read_whole(tmp_path):
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(SPLIT_ME))
    (tmp_path / "a.jsonl").write_bytes(SPLIT_ME)
    fn = ReadArticlesFn("auto", ReadOptions(), range_bytes=1)
    compressed = fileio.ReadableFile(FileMetadata(str(tmp_path / "a.jsonl.gz"), 100))
    plain = fileio.ReadableFile(FileMetadata(str(tmp_path / "a.jsonl"), len(SPLIT_ME)))
    assert list(fn.split(compressed, fn.initial_restriction(compressed))) == [OffsetRange(0, 1)]
    assert len(list(fn.split(plain, fn.initial_restriction(plain)))) == len(SPLIT_ME)
