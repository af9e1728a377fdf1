from pipeline.records import CleanArticle, Rejected, Rejection


def test_clean_record_from_jsonl_has_url_and_line():
    record = CleanArticle(id="a", title="T", text="B", source="f.jsonl", line=4, url="https://x.org/a")
    assert record.to_dict() == {"id": "a", "title": "T", "text": "B", "url": "https://x.org/a",
                                            "source": "f.jsonl", "line": 4, "stats": {}}


def test_rejection_keeps_the_error_the_id_it_carried_and_the_start_of_the_raw_input():
    error = Rejected("parse", "missing_text", "no 'text' field", record_id="r1")
    rejection = Rejection.of(error, "f.jsonl", "x" * 1000, line=9)
    assert rejection.to_dict() == {
        "id": "r1", "source": "f.jsonl", "line": 9, "stage": "parse", "reason": "missing_text",
        "detail": "no 'text' field", "raw_start": "x" * 300,
    }
