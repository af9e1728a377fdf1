"""Shapes: which lines count as one, and the pattern that matches exactly the lines of a shape."""

import pytest
import regex

from pipeline.core.mine.shapes import display, has_markers, line_shape, shape_pattern


@pytest.mark.parametrize(("lines", "shown"), [
    (["12 Comments", "1 Comment", "1,204 Comments"], "<N> Comment<S>"),
    (["Updated 3 hours ago", "Updated 1 hour ago"], "Updated <N> hour<S> ago"),
    (["Published On 25 May 2026", "Published On 2 Jun. 2025"], "Published On <N> <MONTH> <N>"),
    (["Posted Monday at 9:30 a.m.", "Posted Friday at 11:05 p.m."], "Posted <WEEKDAY> at <N> <AM/PM>"),
])
def test_lines_that_differ_in_numbers_dates_or_counts_share_a_shape(lines, shown):
    assert {display(line_shape(line)) for line in lines} == {shown}
    pattern = regex.compile(shape_pattern(line_shape(lines[0])))
    assert all(pattern.fullmatch(line) for line in lines)


@pytest.mark.parametrize(("furniture", "other"), [
    ("12 Comments", "12 Comments and counting"),
    ("12 Comments", "Comments"),
    ("Updated 3 hours ago", "Updated three hours ago"),
    ("Share this: Facebook (opens in new window)", "Share this: Facebook (opens in new window"),
    ("Sun Media 2019", "Sun Media 2019 annual report"),
])
def test_a_shape_pattern_matches_no_other_line(furniture, other):
    assert line_shape(other) != line_shape(furniture)
    assert regex.fullmatch(shape_pattern(line_shape(furniture)), other) is None


def test_words_that_look_like_parts_stay_literal():
    # 'May' the month is generalised, a 3rd or a version number glued to letters is not; weekdays only in full.
    assert display(line_shape("Theresa May on the 3rd vote, Wed")) == "Theresa <MONTH> on the 3rd vote, Wed"
    assert display(line_shape("Listen on 5G")) == "Listen on 5G"


def test_patterns_use_bracketed_spaces_and_escape_what_regex_means():
    assert shape_pattern(line_shape("Price: $5 (a+b)?")) == r"Price:[ ]\$\d+(?:[.,:]\d+)*[ ]\(a\+b\)\?"


def test_a_line_holding_a_marker_character_is_flagged():
    assert has_markers("odd \ue000 line") and not has_markers("12 Comments")
