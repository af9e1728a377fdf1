"""Paragraphs printed twice in one document: the later copy goes, with its counter and ledger cause; look-alikes stay."""

from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.records import Article
from pipeline.core.steps.repeated_paragraphs import MIN_PARAGRAPH_CHARS, REPEATED_PARAGRAPH, repeated_lines

LEDE = ("Governor Charlie Baker on Sunday night ordered all public and private schools across Massachusetts to "
        "close for three weeks and banned gatherings of more than 25 people.")
SECOND = ("Amid a rapid fire set of orders from a podium in the State House, Baker said restaurants and bars "
          "could no longer serve customers on their premises.")
QUOTE = "“I realize these measures are unprecedented,” Baker said."
CAPTION = "Students are escorted off campus after a shooting. (Photo by David Crane/MediaNews Group via Getty Images)"


def clean(text: str, ledger: bool = False):
    return Cleaner([], CleanOptions(ledger=ledger)).clean(Article(id="a", text=text, source="f", title="Schools close"))


def test_the_later_copy_of_a_lede_repeated_after_a_caption_goes_and_the_first_stays():
    body = f"{LEDE}\n\n{CAPTION}\n\n{LEDE}\n\n{SECOND}"
    out = clean(body, ledger=True)
    assert out.text == f"{LEDE}\n\n{CAPTION}\n\n{SECOND}"
    assert out.stats["repeated_paragraphs"] == 1
    [removal] = [r for r in out.removals if r.step == "repeated_paragraphs"]
    assert (removal.cause, removal.text) == (REPEATED_PARAGRAPH, LEDE)
    # Offsets in the normalised text: the second printing, not the first.
    second = len(f"{LEDE}\n\n{CAPTION}\n\n")
    assert (removal.start, removal.end) == (second, second + len(LEDE))


def test_a_body_pasted_twice_loses_the_whole_second_copy_its_short_lines_too():
    body = f"{LEDE}\n\n{QUOTE}\n\n{SECOND}\n\nAdvertisement\n\n{LEDE}\n\n{QUOTE}\n\n{SECOND}"
    out = clean(body)
    # The quote is short, but it is inside the copied run; the lone ad label is the rules' business.
    assert out.text == f"{LEDE}\n\n{QUOTE}\n\n{SECOND}\n\nAdvertisement"
    assert out.stats["repeated_paragraphs"] == 3


def test_a_copy_that_differs_only_in_spacing_is_a_copy():
    out = clean(f"{LEDE}\n\n{SECOND}\n\n  {LEDE.replace(' ', '   ', 3)} ")
    assert out.text == f"{LEDE}\n\n{SECOND}"
    assert out.stats["repeated_paragraphs"] == 1


def test_look_alikes_stay():
    texts = [
        # Short lines repeated on purpose: a refrain, a quote, list items, an ad label (the rules' business).
        f"{LEDE}\n\n{QUOTE}\n\n{SECOND}\n\n{QUOTE}",
        f"{LEDE}\n\nWe shall overcome.\n\n{SECOND}\n\nWe shall overcome.",
        f"{LEDE}\n\nAdvertisement\n\n{SECOND}\n\nAdvertisement",
        # A transcript's turn said twice (a host's break line, a sound bite aired on two shows).
        f"{LEDE}\n\nGROSS: Let's take a short break here. My guest is Andrew Weissmann. He was a lead prosecutor "
        "in the Mueller investigation. His new book is called Liar's Kingdom.\n\n"
        f"{SECOND}\n\nGROSS: Let's take a short break here. My guest is Andrew Weissmann. He was a lead "
        "prosecutor in the Mueller investigation. His new book is called Liar's Kingdom.",
        # A pull quote that repeats one sentence of a paragraph is no copy of a line: both stay.
        f"{LEDE} {QUOTE}\n\n{SECOND}\n\n{QUOTE}",
        # A long paragraph that differs by one word is another paragraph.
        f"{LEDE}\n\n{SECOND}\n\n{LEDE.replace('three weeks', 'two weeks')}",
    ]
    for text in texts:
        out = clean(text)
        assert out.text == text, text
        assert out.stats["repeated_paragraphs"] == 0


def test_the_minimum_length_decides_a_lone_repeat():
    just_long = "x" * (MIN_PARAGRAPH_CHARS - 10) + " long line"
    assert len(just_long) == MIN_PARAGRAPH_CHARS
    assert repeated_lines(f"{just_long}\n\nmiddle\n\n{just_long}") == [(len(just_long) + 10, 2 * len(just_long) + 10)]
    too_short = just_long[1:]
    assert repeated_lines(f"{too_short}\n\nmiddle\n\n{too_short}") == []


def test_a_third_printing_goes_as_well_and_the_run_never_reaches_into_the_first_copy():
    body = f"{LEDE}\n\n{SECOND}\n\n{LEDE}\n\n{SECOND}\n\n{LEDE}"
    assert clean(body).text == f"{LEDE}\n\n{SECOND}"
    # Adjacent copies of one paragraph: the run of the second copy is the second copy alone.
    assert repeated_lines(f"{LEDE}\n{LEDE}") == [(len(LEDE) + 1, 2 * len(LEDE) + 1)]
