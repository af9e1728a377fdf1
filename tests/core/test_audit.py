"""The furniture audit's signals on hand-counted documents (``newsclean audit`` is tests/commands/test_audit.py)."""


from pipeline.core.audit import Document, audit, compare_dict, corpus_names, format_comparison, site_of

BODY = "The council voted on Tuesday to close the library, which opened in 1962."


def test_a_short_line_counts_as_repeated_only_in_min_docs_documents_of_the_same_site():
    docs = [Document("c", "a.com", f"{BODY}\n\nJordain Carney contributed.") for _ in range(3)]
    docs.append(Document("c", "b.com", f"{BODY}\n\nJordain Carney contributed."))
    report = audit(docs)
    assert report.sites[("c", "a.com")].tally.by_signal["repeated"] == 9   # 3 words, 3 documents
    assert report.sites[("c", "a.com")].repeated.most_common() == [("jordain carney contributed.", 3)]
    assert report.sites[("c", "b.com")].tally.flagged_words == 0           # one document of its site
    assert audit(docs, min_docs=4).corpora["c"].flagged_words == 0


def test_repeats_fold_digits_case_and_spacing_but_a_long_line_never_counts():
    docs = [Document("c", "a.com", f"Updated at {h}:1{h} p.m.\n\n{BODY} {BODY}") for h in range(1, 4)]
    report = audit(docs)
    assert report.sites[("c", "a.com")].repeated.most_common() == [("updated at 0:0 p.m.", 3)]
    assert report.corpora["c"].as_dict() == {
        "docs": 3, "words": 3 * (4 + 26), "flagged_words": 12, "flagged_share": round(12 / 90, 6),
        "by_signal": {"repeated": 12, "furniture_words": 0, "link_list": 0},
        "labels": {"hover_more": 0, "advertisement": 0}}


def test_furniture_wording_addresses_the_reader_and_reporting_words_do_not_count():
    text = ("A spokesman declined to comment.\n\nHe said in a tweet that shares fell.\n\n"
            "Sign up for our newsletter here.\n\nWhatsApp\n\nShare this story on Facebook")
    report = audit([Document("c", "a.com", text)])
    assert report.corpora["c"].by_signal["furniture_words"] == 6 + 1 + 5
    assert report.sites[("c", "a.com")].furniture.most_common() == [
        ("sign up for our newsletter here.", 1), ("whatsapp", 1), ("share this story on facebook", 1)]


def test_a_run_of_three_headline_shaped_lines_is_a_link_list_and_two_are_not():
    headlines = "Storm cuts power to 10,000 homes\nMayor quits after audit\nSchool reopens on Monday"
    assert audit([Document("c", "a.com", f"{BODY}\n\n{headlines}\n\n{BODY}")]).corpora["c"].by_signal["link_list"] == 14
    two = "Storm cuts power to 10,000 homes\nMayor quits after audit"
    subhead_and_sentence = f"{two}\n\n{BODY}\n\nWhat happens next"
    assert audit([Document("c", "a.com", subhead_and_sentence)]).corpora["c"].by_signal["link_list"] == 0


def test_hover_more_and_advertisement_labels_are_counted_inside_paragraphs():
    text = ("Sen. Mitch McConnell Addison (Mitch) Mitchell McConnellGOP senators balk MORE said on Monday. "
            "ADVERTISEMENT The vote is Tuesday.\n\nREAD MORE ABOUT THE VOTE\n\nAdvertisement revenue fell.")
    tally = audit([Document("c", "a.com", text)]).corpora["c"]
    assert tally.labels == {"hover_more": 1, "advertisement": 1}


def test_sites_come_from_the_url_host_then_the_metadata():
    assert site_of("https://www.bbc.co.uk/news/1") == "bbc.co.uk"
    assert site_of("", {"site_name": "Herald", "source": "feed"}) == "Herald"
    assert site_of(None, {"source": 7}) == "(no url)"


def test_corpora_are_the_first_folder_below_the_common_one():
    names = corpus_names(["/c/horne/Public Data/Buzzfeed/Fake/1.txt", "/c/horne/Public Data/Random/Real/2.txt"])
    assert sorted(names.values()) == ["Buzzfeed", "Random"]
    assert corpus_names(["/d/a.jsonl", "/d/b.jsonl", "/d/a.jsonl"]) == {"/d/a.jsonl": "a.jsonl", "/d/b.jsonl": "b.jsonl"}


def test_the_comparison_ranks_sites_by_what_is_left_and_prints_both_columns():
    before = audit([Document("c", "a.com", f"{BODY}\n\nAuthors:") for _ in range(3)])
    after = audit([Document("c", "a.com", BODY) for _ in range(3)])
    comparison = compare_dict(before, after, top=5)
    assert comparison["corpora"]["c"]["before"]["flagged_words"] == 3
    assert comparison["corpora"]["c"]["after"]["flagged_words"] == 0
    assert "| c | 3 | 42 | 0.0714 | 39 | 0.0000 |" in format_comparison(comparison)
