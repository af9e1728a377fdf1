from pipeline.core.evaluate import compare, fold, format_report, score


def test_fold_ignores_unicode_form_quotes_and_line_layout():
    assert fold("“Café”\u00a0ﬁnal\n\n’s   end ") == fold('"Café" final \'s end')
    assert fold("£5 &amp; more") == "£5 &amp; more"


def test_compare_counts_lost_and_extra_words_as_multisets():
    result = compare({"id": "a", "title": "T", "text": "one two two three"},
                     {"id": "a", "title": "T", "text": "one two MORE three three"})
    assert (result.exact_text, result.exact_title) == (False, True)
    assert (result.gold_words, result.output_words, result.words_lost, result.words_extra) == (4, 5, 1, 2)


def test_a_missing_document_loses_every_gold_word():
    result = compare({"id": "a", "title": "T", "text": "one two"}, None)
    assert (result.missing, result.exact_text, result.exact_title, result.words_lost) == (True, False, False, 2)


def test_score_groups_by_kind_and_ranks_the_worst_documents():
    gold = [{"id": "a", "title": "A", "text": "x y z"}, {"id": "b", "title": "B", "text": "p q"},
            {"id": "c", "title": "C", "text": "m n"}]
    outputs = {"a": {"title": "A", "text": "x y z"}, "b": {"title": "b!", "text": "p q ad ad"}}
    report = score(outputs, gold, {"a": ["ad"], "b": ["ad", "title-repeat"]})
    assert report["groups"]["all"] == {"documents": 3, "missing": 1, "exact_text": 0.333333, "exact_title": 0.333333,
                                       "words_lost": round(2 / 7, 6), "words_extra": round(2 / 7, 6)}
    assert report["groups"]["ad"] == {"documents": 2, "missing": 0, "exact_text": 0.5, "exact_title": 0.5,
                                      "words_lost": 0.0, "words_extra": round(2 / 7, 6)}
    assert report["groups"]["title-repeat"]["documents"] == 1
    assert report["missing_ids"] == ["c"]
    assert report["worst"] == [{"id": "b", "words_lost": 0, "words_extra": 2},
                               {"id": "c", "words_lost": 2, "words_extra": 0}]
    table = format_report(report).splitlines()
    assert table[0].split() == ["group", "docs", "missing", "exact", "text", "exact", "title", "words", "lost",
                                "cruft", "left"]
    assert table[1].split() == ["all", "3", "1", "0.3333", "0.3333", "0.285714", "0.285714"]
