from pipeline.core.headline import find_leading_repeats, split_headline


def drop_leading_repeats(body, title, *args, **kwargs):
    """The title, the body and how many repeats were removed."""
    title, body, repeats = find_leading_repeats(body, title, *args, **kwargs)
    return title, body, len(repeats)


def test_first_line_is_the_headline_when_no_title_is_given():
    assert split_headline("\nStorm hits coast\n\nWinds rose.", None) == ("Storm hits coast", "Winds rose.")


def test_given_title_wins_and_text_is_untouched():
    assert split_headline("Storm hits coast\n\nWinds rose.", " Storm hits coast ") == \
        ("Storm hits coast", "Storm hits coast\n\nWinds rose.")


def test_blank_title_falls_back_to_first_line():
    assert split_headline("Storm\n\nWinds.", "  ") == ("Storm", "Winds.")


def test_headline_only_leaves_empty_body():
    assert split_headline("Storm hits coast", None) == ("Storm hits coast", "")


def test_repeats_at_the_top_are_dropped_ignoring_case_and_spacing():
    body = "Storm hits coast\nSTORM  HITS COAST\n\nWinds rose.\n\nStorm hits coast"
    assert drop_leading_repeats(body, "Storm hits coast") == ("Storm hits coast", "Winds rose.\n\nStorm hits coast", 2)


def test_a_repeat_with_the_site_name_appended_is_dropped():
    body = "Storm hits coast | Coastal Herald\n\nWinds rose."
    assert drop_leading_repeats(body, "Storm hits coast") == ("Storm hits coast", "Winds rose.", 1)
    body = "Storm hits coast - BBC News\n\nWinds rose."
    assert drop_leading_repeats(body, "Storm hits coast") == ("Storm hits coast", "Winds rose.", 1)


def test_a_title_with_the_site_name_gives_way_to_the_plain_repeat():
    body = "Is it the end for the mall?\n\nShoppers stayed away."
    assert drop_leading_repeats(body, "Is it the end for the mall? – Eagle Rising") == \
        ("Is it the end for the mall?", "Shoppers stayed away.", 1)


def test_a_subtitle_run_onto_the_headline_is_kept():
    body = "Washington Redskins to change name The team has not released the new name.\n\nThe club said..."
    assert drop_leading_repeats(body, "Washington Redskins to change name") == \
        ("Washington Redskins to change name", "The team has not released the new name.\n\nThe club said...", 1)


def test_a_first_sentence_that_starts_with_the_headline_words_is_content():
    body = "Free speech is a value, not a right. Understanding this distinction helps."
    assert drop_leading_repeats(body, "Free Speech is a Value, not a Right") == \
        ("Free Speech is a Value, not a Right", body, 0)
    body = "Storm hits coast of Kent, killing two."
    assert drop_leading_repeats(body, "Storm hits coast") == ("Storm hits coast", body, 0)


def test_a_longer_line_after_a_dash_is_not_a_site_name():
    body = "Brexit - what the deal means for fishing, farming, trade and travel after January\n\nText."
    assert drop_leading_repeats(body, "Brexit") == ("Brexit", body, 0)


def test_text_without_repeats_is_returned_unchanged():
    assert drop_leading_repeats("Winds rose.", "Storm hits coast") == ("Storm hits coast", "Winds rose.", 0)


def test_a_body_of_only_repeats_becomes_empty():
    assert drop_leading_repeats("Storm\n\nStorm", "Storm") == ("Storm", "", 2)


def test_a_single_long_line_is_the_article_not_a_headline():
    text = "WASHINGTON—" + " ".join(["Encouraging the visitors he was showing around the Roosevelt Room"] * 3)
    assert split_headline(text, None) == ("", text)
    assert drop_leading_repeats(text, "") == ("", text, 0)


def test_a_single_short_line_is_a_headline():
    assert split_headline("Website is Down For Maintenance", None) == ("Website is Down For Maintenance", "")


def test_a_long_suffix_is_a_site_name_only_when_the_url_names_the_site():
    body = "Tech Now - High Tech Heart Surgery\n\nThe team visits a hospital."
    assert drop_leading_repeats(body, "Tech Now", "https://www.bbc.co.uk/tech") == ("Tech Now", body, 0)
    body = "Is it over? - The Eagle Rising Daily\n\nText."
    assert drop_leading_repeats(body, "Is it over?", "http://eaglerising.com/a") == ("Is it over?", "Text.", 1)


def test_labels_and_quote_style_do_not_hide_a_repeat():
    body = "Storm hits ‘coast’\n\nWinds rose."
    assert drop_leading_repeats(body, "WATCH: Storm hits 'coast'") == ("WATCH: Storm hits 'coast'", "Winds rose.", 1)


def test_a_line_that_is_only_a_label_is_not_blank():
    assert drop_leading_repeats("Watch:\n\nText.", "Storm") == ("Storm", "Watch:\n\nText.", 0)


def test_without_a_headline_line_the_text_keeps_its_first_line():
    assert split_headline("First paragraph.\n\nSecond.", None, first_line_is_headline=False) == \
        ("", "First paragraph.\n\nSecond.")
    assert split_headline("Body.", "Given", first_line_is_headline=False) == ("Given", "Body.")


def test_a_record_title_followed_by_an_episode_title_is_not_a_site_suffix():
    body = "Tech Now - Building My Body\n\nSeries Navigation"
    url = "https://www.bbc.co.uk/iplayer/episode/m002x058"
    assert drop_leading_repeats(body, "Tech Now", url, title_from_record=True) == ("Tech Now", body, 0)
    # A site the URL names is still a suffix, and so is a short one when there is no URL.
    assert drop_leading_repeats("Storm hits coast - BBC News\n\nWinds.", "Storm hits coast", url, True) == \
        ("Storm hits coast", "Winds.", 1)
    assert drop_leading_repeats("Storm hits coast - Daily Post\n\nWinds.", "Storm hits coast", None, True) == \
        ("Storm hits coast", "Winds.", 1)
