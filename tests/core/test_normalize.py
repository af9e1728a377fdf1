import pytest

from pipeline.core.normalize import (
    ZERO_WIDTH,
    NormalizeOptions,
    UnicodeFixer,
    fix_unicode,
    ftfy_config,
    normalize,
    normalize_spaces,
    tidy_layout,
)

DEFAULT = ftfy_config(NormalizeOptions())
FIXER = UnicodeFixer(NormalizeOptions())


@pytest.mark.parametrize("damaged, repaired", [
    ("The Mayorâ€™s office", "The Mayor’s office"),                    # UTF-8 read as Windows-1252
    ("itÃ¢Â\x80Â\x99s done", "it’s done"),                               # encoded twice
    ("bell\x07 and null\x00 gone", "bell and null gone"),
    ("line one\r\nline two\rline three", "line one\nline two\nline three"),
])
def test_fix_unicode_repairs_damage(damaged, repaired):
    assert fix_unicode(damaged, DEFAULT) == repaired


def test_html_entities_are_content_unless_decoding_is_asked_for():
    text = "S&#227;o Paulo &amp; &quot;Rio&quot;"
    assert fix_unicode(text, DEFAULT) == text
    assert fix_unicode(text, ftfy_config(NormalizeOptions(decode_html_entities=True))) == 'São Paulo & "Rio"'


def test_fix_unicode_keeps_clean_text_and_curly_quotes_by_default():
    text = "“Quotes” stay curly; café, naïve and 東京 stay as they are."
    assert fix_unicode(text, DEFAULT) == text


def test_straight_quotes_option():
    assert fix_unicode("“Hi,” she said’s", ftfy_config(NormalizeOptions(straight_quotes=True))) == "\"Hi,\" she said's"


def test_unicode_form_option():
    assert fix_unicode("x² ①", DEFAULT) == "x² ①"
    assert fix_unicode("x² ①", ftfy_config(NormalizeOptions(unicode_form="NFKC"))) == "x2 1"


def test_unknown_unicode_form_is_refused():
    with pytest.raises(ValueError, match="NFD"):
        NormalizeOptions(unicode_form="NFD")  # type: ignore[arg-type]  # a form outside UnicodeForm, on purpose


def test_normalize_spaces_turns_exotic_spaces_into_spaces_and_drops_zero_width():
    text = "a\u00a0b\u2009c\u202fd\u3000e\tf" + "".join(f"g{z}" for z in ZERO_WIDTH) + "h"
    assert normalize_spaces(text) == "a b c d e f" + "g" * len(ZERO_WIDTH) + "h"


def test_tidy_layout_trims_lines_and_keeps_one_blank_line_between_paragraphs():
    assert tidy_layout("\n\n  Title  \n\n\n\nFirst  para\n  continues\n \n \nSecond\n\n") == \
        "Title\n\nFirst para\ncontinues\n\nSecond"


def test_normalize_runs_every_step():
    assert normalize("  Donâ€™t\u00a0 stop\r\n\r\n\r\n\u200bNext\x7f & last  ", FIXER) == "Don’t stop\n\nNext & last"


def test_normalize_is_idempotent_on_its_output():
    once = normalize("A\u00a0 b\r\n\r\n\r\nc &amp; d\u200b", FIXER)
    assert normalize(once, FIXER) == once


@pytest.mark.parametrize("text, needs_ftfy", [
    ("Plain ASCII, with a tab\tand lines.\n", False),
    ("Curly “quotes”, don’t — and … stay on the fast path; so does café.", False),
    ("Windows line ends\r\nare only line breaks.", False),
    ("Mojibake: donâ€™t", True),
    ("Two marks side by side: ”£", True),
    ("A C1 control: \x92", True),
    ("A NUL\x00", True),
])
def test_which_texts_need_ftfy(text, needs_ftfy):
    assert FIXER.needs_ftfy(text) is needs_ftfy
    assert FIXER.fix(text) == fix_unicode(text, DEFAULT)


def test_options_that_make_ftfy_change_more_take_those_texts_off_the_fast_path():
    straight = UnicodeFixer(NormalizeOptions(straight_quotes=True))
    assert straight.needs_ftfy("don’t")
    assert UnicodeFixer(NormalizeOptions(unicode_form="NFKC")).needs_ftfy("wait…")
    assert UnicodeFixer(NormalizeOptions(decode_html_entities=True)).needs_ftfy("fish &amp; chips")
    assert not FIXER.needs_ftfy("fish &amp; chips")
