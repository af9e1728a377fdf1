from pipeline.headline import drop_leading_repeats, split_headline


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
    assert drop_leading_repeats(body, "Storm hits coast") == ("Winds rose.\n\nStorm hits coast", 2)


def test_text_without_repeats_is_returned_unchanged():
    assert drop_leading_repeats("Winds rose.", "Storm hits coast") == ("Winds rose.", 0)


def test_a_body_of_only_repeats_becomes_empty():
    assert drop_leading_repeats("Storm\n\nStorm", "Storm") == ("", 2)
