from pipeline.core.records import CleanArticle, Rejected, Rejection

STATS = {"chars_in": 10, "chars_out": 8, "headline_repeats": 1, "rules": {"ad-line": 2}, "words_removed_by_rules": 0.1}


def test_a_clean_record_has_every_field_always_and_rule_hits_as_a_list():
    record = CleanArticle(id="a", title="T", text="B", source="f.jsonl", line=4, url="https://x.org/a", stats=STATS,
                          metadata={"source": "ABC"})
    assert record.to_dict() == {
        "id": "a", "title": "T", "text": "B", "url": "https://x.org/a", "input_file": "f.jsonl", "line": 4,
        "metadata": {"source": "ABC"},
        "stats": {"chars_in": 10, "chars_out": 8, "headline_repeats": 1, "rules": [{"rule": "ad-line", "hits": 2}],
                  "words_removed_by_rules": 0.1, "mass_removal": False, "surrogates_replaced": 0,
                  "combining_marks_dropped": 0, "truncated": None},
    }
    text_file = CleanArticle(id="b", title="T", text="B", source="b.txt", line=None, url=None, stats=STATS)
    assert {key: text_file.to_dict()[key] for key in ("url", "line", "metadata")} == {"url": None, "line": None, "metadata": {}}


def test_rejection_keeps_the_error_the_id_it_carried_and_the_start_of_the_raw_input():
    error = Rejected("parse", "missing_text", "no 'text' field", record_id="r1", metadata={"date": "2026-05-25"})
    rejection = Rejection.of(error, "f.jsonl", "x" * 1000, line=9)
    assert rejection.to_dict() == {
        "id": "r1", "input_file": "f.jsonl", "line": 9, "stage": "parse", "reason": "missing_text",
        "detail": "no 'text' field", "raw_start": "x" * 300, "metadata": {"date": "2026-05-25"},
    }
