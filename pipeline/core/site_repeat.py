"""A site's own furniture, found by repetition in the run: the text core of ``--site_boilerplate``. No Beam.

A line of a page's clean text is *repeated* when the very same line is on at least ``min_pages`` distinct pages of
its site in this run (pages after deduplication, so a story printed twice counts once) and on at least
``min_share`` of that site's pages. A site is a URL's host (``site_suffix.host_of``); a page without a URL has no
site and is never changed. ``tools/repeated_lines.py`` counts with the same functions.

Only repeated lines at the body's edges go: the run of them that starts the text and the run that ends it. A
site's labels, bylines and bios sit around the story; a repeated line between paragraphs is more often the
heading of a format the site runs (``Why there's debate`` on every Yahoo 360 piece) or a quotation that several
stories carry, and removing content is worse than leaving furniture. A page whose every line is repeated is left
whole (``spared``): nothing says which of its lines is the story.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from pipeline.core.ledger import CONTEXT_CHARS, Removal

DEFAULT_MIN_SHARE = 0.5
# What the ledger says for a line this step removed.
STEP = "site_boilerplate"
CAUSE = "site-repeat"
# The job's counters (and summary): lines removed, pages changed, pages left whole because all of it repeats.
LINES_REMOVED = "site_repeat.lines_removed"
DOCS_CHANGED = "site_repeat.docs"
DOCS_SPARED = "site_repeat.docs_spared"


@dataclass(frozen=True)
class SiteRepeatOptions:
    """``min_pages`` 0 turns the step off; otherwise at least 2 (every line is on one page)."""

    min_pages: int = 0
    min_share: float = DEFAULT_MIN_SHARE

    @property
    def enabled(self) -> bool:
        return self.min_pages > 0


def line_hash(line: str) -> str:
    """The key a line is counted under: 16 hex digits of BLAKE2b (no text travels through the shuffle).

    >>> line_hash("ANALYSIS/OPINION:") == line_hash("ANALYSIS/OPINION:")
    True
    >>> line_hash("ANALYSIS/OPINION:") == line_hash("ANALYSIS/OPINION")
    False
    """
    return hashlib.blake2b(line.encode("utf-8"), digest_size=8).hexdigest()


def page_lines(text: str) -> set[str]:
    """The distinct non-blank lines of a page's text: a line printed twice on one page counts once.

    >>> sorted(page_lines("Share\\n\\nBody.\\n\\nShare"))
    ['Body.', 'Share']
    """
    return {line for line in text.split("\n") if line.strip()}


def is_repeated(pages_with_line: int, site_pages: int, options: SiteRepeatOptions) -> bool:
    """Whether a line on ``pages_with_line`` of its site's ``site_pages`` pages is the site's furniture.

    >>> is_repeated(5, 8, SiteRepeatOptions(min_pages=5, min_share=0.5))
    True
    >>> is_repeated(5, 20, SiteRepeatOptions(min_pages=5, min_share=0.5))   # a quotation in 5 of 20 stories
    False
    >>> is_repeated(4, 4, SiteRepeatOptions(min_pages=5, min_share=0.5))    # too few pages to tell
    False
    """
    return (options.enabled and pages_with_line >= options.min_pages
            and pages_with_line >= options.min_share * site_pages)


@dataclass(frozen=True)
class Stripped:
    """A page's text without its repeated edge lines, and each line removed as ``(start, end, line)`` in the text
    given; ``spared`` when every line repeats and the page was left whole."""

    text: str
    cuts: tuple[tuple[int, int, str], ...] = ()
    spared: bool = False


def strip_site_repeats(text: str, repeated: Collection[str]) -> Stripped:
    """Remove the runs of lines whose :func:`line_hash` is in ``repeated`` at the start and at the end of ``text``.

    >>> label, bio = line_hash("ANALYSIS/OPINION:"), line_hash("Pat is a columnist.")
    >>> strip_site_repeats("ANALYSIS/OPINION:\\n\\nBody one.\\n\\nPat is a columnist.", {label, bio})
    Stripped(text='Body one.', cuts=((0, 17, 'ANALYSIS/OPINION:'), (30, 49, 'Pat is a columnist.')), spared=False)
    >>> strip_site_repeats("Body one.\\n\\nANALYSIS/OPINION:\\n\\nBody two.", {label})   # between paragraphs: stays
    Stripped(text='Body one.\\n\\nANALYSIS/OPINION:\\n\\nBody two.', cuts=(), spared=False)
    """
    spans: list[tuple[int, int]] = []   # every non-blank line, as (start, end)
    at = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((at, at + len(line)))
        at += len(line) + 1
    hit = [line_hash(text[start:end]) in repeated for start, end in spans]
    if not any(hit):
        return Stripped(text)
    if all(hit):
        return Stripped(text, spared=True)
    first = hit.index(False)
    last = len(hit) - 1 - hit[::-1].index(False)
    cut = [i for i in range(len(spans)) if i < first or i > last]
    body = text[spans[first][0]:spans[last][1]]
    return Stripped(body, tuple((spans[i][0], spans[i][1], text[spans[i][0]:spans[i][1]]) for i in cut))


def removals(text: str, stripped: Stripped) -> list[Removal]:
    """The ledger's records of ``stripped.cuts``. Their offsets are in ``text``, the page's clean text as the
    cleaner wrote it: by the time a run has counted its pages, the normalised text is no longer at hand.

    >>> stripped = Stripped("Body.", ((0, 5, "Label"),))
    >>> [(r.step, r.cause, r.start, r.end, r.text, r.after) for r in removals("Label\\n\\nBody.", stripped)]
    [('site_boilerplate', 'site-repeat', 0, 5, 'Label', '\\n\\nBody.')]
    """
    return [Removal(STEP, CAUSE, start, end, line, "", text[max(0, start - CONTEXT_CHARS):start],
                    text[end:end + CONTEXT_CHARS]) for start, end, line in stripped.cuts]
