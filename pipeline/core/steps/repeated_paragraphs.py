"""Step 5: a paragraph the scrape printed twice in one document; the later copy goes, the first stays.

After the rules and the headline, because what sits between two copies (an ``Advertisement`` line, a photo
credit, a headline) is theirs to remove first, and a copy of the headline is the headline step's. A line is a
copy when it equals an earlier line of the body once its whitespace is normalised, and it is removed when it
is long enough to be a paragraph (``MIN_PARAGRAPH_CHARS``), or when it belongs to a run of lines copied in
the same order around such a paragraph (a lede and its label repeated after a photo caption, a whole body
pasted twice: its short lines go with it). Short lines repeated alone stay: ``Advertisement`` and ``Read
more`` are the rules' business, and a quotation, a refrain or a list item repeated on purpose is short.

What is never removed, because the corpora repeat it on purpose:

- a transcript's turn (``GROSS: Let's take a short break here. My guest is ...``, a sound bite quoted from two
  broadcasts): a speaker's label in capitals, then a colon;
- part of a line: a pull quote that repeats one sentence of a paragraph is not an exact copy of any line, so
  the sentence stays in both places (the step only compares whole lines, and removing content is worse than
  leaving a repeat).

Each copy removed is in the ledger with cause ``repeated-paragraph``; ``stats.repeated_paragraphs`` counts them.
"""

from __future__ import annotations

import regex

from pipeline.core.steps.base import Draft, Step, without_spans

# The cause each removal has in the ledger.
REPEATED_PARAGRAPH = "repeated-paragraph"
# A line at least this long (whitespace normalised) that repeats an earlier one is a paragraph printed twice.
# Read from the corpora: the repeats shorter than this are furniture (`ADVERTISEMENT Thanks for watching! Visit
# Website`, 45), captions, credits and quotes repeated on purpose (a bill's long title after `A BILL`, 100);
# from about 110 characters up, every repeat read in allsides_abp, fakenewsnet_v1 and rss_pull_2026 was the
# scrape's (a summary under `From the Right` printed twice, a body pasted twice, a caption in a slideshow).
MIN_PARAGRAPH_CHARS = 110
# A transcript's speaker label: `GROSS:`, `SCOTT PELLEY:`, `NORAH O’DONNELL:`.
_SPEAKER_TURN = regex.compile(r"[A-Z][A-Z.'’ -]{1,40}:\s")


def _key(line: str) -> str:
    return " ".join(line.split())


def repeated_lines(body: str) -> list[tuple[int, int]]:
    """The later copies of the paragraphs ``body`` prints twice: ``(start, end)`` of each line, without its line
    break, in order.

    >>> body = ("Lede " * 30 + "\\n\\nPhoto: AP\\n\\n" + "Lede " * 30 + "\\n\\nSecond paragraph.")
    >>> [(start, end) for start, end in repeated_lines(body)]
    [(163, 313)]
    >>> repeated_lines("Advertisement\\n\\nText.\\n\\nAdvertisement")
    []
    """
    lines: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    for line in body.split("\n"):
        if line.strip():
            lines.append(_key(line))
            spans.append((at, at + len(line)))
        at += len(line) + 1
    first: dict[str, int] = {}
    removed: set[int] = set()
    for i, line in enumerate(lines):
        earlier = first.setdefault(line, i)
        if earlier == i or i in removed or len(line) < MIN_PARAGRAPH_CHARS or _SPEAKER_TURN.match(line):
            continue
        # The run copied with it, in the same order: before it (not reaching back into the first copy) and after.
        low = i
        while low - 1 > earlier and earlier - (i - low) - 1 >= 0 and lines[low - 1] == lines[earlier - (i - low) - 1]:
            low -= 1
        high = i
        while high + 1 < len(lines) and earlier + (high - i) + 1 < low and lines[high + 1] == lines[earlier + (high - i) + 1]:
            high += 1
        removed.update(j for j in range(low, high + 1) if not _SPEAKER_TURN.match(lines[j]))
    return [spans[j] for j in sorted(removed)]


class DropRepeatedParagraphs(Step):
    name = "repeated_paragraphs"

    def apply(self, draft: Draft) -> None:
        found = repeated_lines(draft.body)
        draft.stats["repeated_paragraphs"] = len(found)
        if not found:
            return
        if draft.ledger:
            draft.ledger.removed(self.name, [(REPEATED_PARAGRAPH, start, end, "") for start, end in found])
        draft.body = without_spans(draft.body, found)
        if draft.ledger:
            draft.ledger.follow(draft.body)
