"""The removal ledger: what each step removed from one document, located in its normalised text.

Plain text work, no Beam. A step that removes text reports its cuts in the coordinates of the text as it is
then (``Ledger.removed``); the ledger maps them back to the normalised text (the output of normalisation,
headline included), so every removal says where it was in one fixed text however many steps ran before it.
A step that only drops whitespace or a leading part (layout tidying, taking the headline out) tells the
ledger the text it left (``Ledger.follow``), so later offsets stay right.

Offsets are character offsets (Python string indices) into the normalised text, which ``python -m pipeline
explain`` prints: ``normalised[start:end] == text`` for every removal, unless an earlier rule's replacement
inserted text inside the span. Undoing a removal puts ``text`` back in place of ``replacement``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Characters of normalised text shown either side of a removal, so a person can see it in place.
CONTEXT_CHARS = 80
_CHANGEABLE_SPACE = re.compile(r"\s{2,}|\A\s+|\s+\Z")
_SPACE = re.compile(r"\s+")
# The origin of a character that a replacement inserted: none in the normalised text.
INSERTED = -1

# What ``Removal.step`` says for a whole document that went to the rejected output.
REJECTED = "rejected"
# ... and for what a page's article extraction left out (pipeline.core.pages.extract_ledger).
EXTRACT = "extract"
# A cut as a step reports it: (cause, start, end, replacement) in the text the step ran on.
Cut = tuple[str, int, int, str]


@dataclass(frozen=True)
class Removal:
    """One removal: the step that made it (``extract``, ``rules``, ``headline_repeats``, ``repeated_paragraphs``, ``line_model``,
    ``rejected``), its cause within the step (the rule's name, ``headline_repeat``, the rejection's reason, why
    extraction left it out), where it was in the normalised text (for ``extract``, in the page's full text), what
    it removed, what replaced it (a rule's replacement; usually nothing), the text around it, for a step that
    scores what it removes (the line model) the score, and for ``extract`` the tag path of the page element it
    was in (``html/body/nav.top``; None for the other steps)."""

    step: str
    cause: str
    start: int
    end: int
    text: str
    replacement: str = ""
    before: str = ""
    after: str = ""
    score: float | None = None
    path: str | None = None


class LedgerLostTrack(Exception):
    """A step changed the text in a way it did not report: a bug in that step, never in the input."""


class _Runs:
    """Where each character of a text came from, as runs: the run starting at ``starts[i]`` in the text comes from
    the normalised text from ``froms[i]`` on (or was inserted by a replacement: INSERTED). A document has a few
    runs per removal, however long it is."""

    def __init__(self, length: int, starts: list[int] | None = None, froms: list[int] | None = None):
        self.length = length
        self.starts = [0] if starts is None else starts
        self.froms = [0] if froms is None else froms

    def run_end(self, i: int) -> int:
        return self.starts[i + 1] if i + 1 < len(self.starts) else self.length

    def origin(self, i: int, at: int) -> int:
        """The normalised offset of the text's character ``at``, inside run ``i``."""
        return INSERTED if self.froms[i] == INSERTED else self.froms[i] + at - self.starts[i]

    def locate(self, start: int, end: int, normalised_length: int) -> tuple[int, int]:
        """The normalised span of the text's ``[start, end)``; inserted characters take no room."""
        first = last = None
        i = bisect.bisect_right(self.starts, start) - 1
        while i < len(self.starts) and self.starts[i] < end:
            if self.froms[i] != INSERTED:
                if first is None:
                    first = self.origin(i, max(start, self.starts[i]))
                last = self.origin(i, min(end, self.run_end(i)) - 1) + 1
            i += 1
        if first is not None and last is not None:
            return first, last
        while i < len(self.starts) and self.froms[i] == INSERTED:   # nothing of it was in the normalised text:
            i += 1                                                  # where the next normalised character was
        after = self.origin(i, max(end, self.starts[i])) if i < len(self.starts) else normalised_length
        return after, after


class _Builder:
    """The runs of a new text made of pieces of the old one and inserted characters, merged where contiguous."""

    def __init__(self, old: _Runs):
        self.old = old
        self.starts: list[int] = []
        self.froms: list[int] = []
        self.length = 0

    def _add(self, origin: int, length: int) -> None:
        if not length:
            return
        if self.froms:
            last_from, last_length = self.froms[-1], self.length - self.starts[-1]
            if (origin == INSERTED) == (last_from == INSERTED) and (
                    origin == INSERTED or origin == last_from + last_length):
                self.length += length
                return
        self.starts.append(self.length)
        self.froms.append(origin)
        self.length += length

    def copy(self, start: int, end: int) -> None:
        """The old text's ``[start, end)``, kept."""
        old = self.old
        i = bisect.bisect_right(old.starts, start) - 1
        while start < end:
            stop = min(end, old.run_end(i))
            self._add(old.origin(i, start), stop - start)
            start, i = stop, i + 1

    def insert(self, length: int) -> None:
        self._add(INSERTED, length)

    def runs(self) -> _Runs:
        return _Runs(self.length, self.starts or [0], self.froms or [INSERTED])


class Ledger:
    """The removals of one document, and where each character of its current text came from."""

    def __init__(self, normalised: str):
        self.normalised = normalised
        self.removals: list[Removal] = []
        self._text = normalised
        self._runs = _Runs(len(normalised))

    def in_order(self) -> tuple[Removal, ...]:
        """The removals in the order of the normalised text, whichever step made them."""
        return tuple(sorted(self.removals, key=lambda removal: (removal.start, removal.end)))

    def mark(self) -> tuple[int, str, _Runs]:
        """Where the ledger is now, for :meth:`undo_to`."""
        return len(self.removals), self._text, self._runs

    def undo_to(self, mark: tuple[int, str, _Runs]) -> None:
        """Forget every removal since ``mark``: the step put the text back as it was then."""
        count, self._text, self._runs = mark
        del self.removals[count:]

    def removed(self, step: str, cuts: Iterable[Cut], scores: Iterable[float] | None = None) -> None:
        """Record ``cuts``, ``(cause, start, end, replacement)`` in the current text, sorted and not overlapping,
        and apply them to the ledger's copy of the text; ``scores``, one per cut, for a step that scores them."""
        each_score = iter(scores) if scores is not None else None
        text, normalised = self._text, self.normalised
        pieces: list[str] = []
        built = _Builder(self._runs)
        kept_to = 0
        for cause, start, end, replacement in cuts:
            # A replacement that keeps the start or end of its match (a hover card keeps the name) removes less.
            while start < end and replacement and text[start] == replacement[0]:
                start, replacement = start + 1, replacement[1:]
            while start < end and replacement and text[end - 1] == replacement[-1]:
                end, replacement = end - 1, replacement[:-1]
            first, last = self._runs.locate(start, end, len(normalised))
            self.removals.append(Removal(
                step, cause, first, last, text[start:end], replacement,
                normalised[max(0, first - CONTEXT_CHARS):first], normalised[last:last + CONTEXT_CHARS],
                next(each_score) if each_score is not None else None))
            pieces += (text[kept_to:start], replacement)
            built.copy(kept_to, start)
            built.insert(len(replacement))
            kept_to = end
        pieces.append(text[kept_to:])
        built.copy(kept_to, len(text))
        self._text, self._runs = "".join(pieces), built.runs()

    def follow(self, text: str) -> None:
        """The step left ``text``: the ledger's text without a leading part, or with whitespace changed (layout
        tidying: runs of spaces and blank lines collapsed, lines and ends trimmed)."""
        current = self._text
        if text == current:
            return
        built = _Builder(self._runs)
        if current.endswith(text):
            built.copy(len(current) - len(text), len(current))
            self._text, self._runs = text, built.runs()
            return
        # Tidying leaves a lone space or line break between two words as it is; only runs of two or more
        # whitespace characters, and whitespace at either end, change. Between those, the texts are equal.
        old_at = new_at = 0
        for run in _CHANGEABLE_SPACE.finditer(current):
            same = run.start() - old_at
            if current[old_at:run.start()] != text[new_at:new_at + same]:
                raise LedgerLostTrack(f"the step changed the text near offset {old_at} without reporting it")
            built.copy(old_at, run.start())
            new_at += same
            kept = _SPACE.match(text, new_at)
            gap_at = run.start()
            # Each whitespace character kept is the next equal one of the old run.
            for char in kept.group() if kept else "":
                gap_at = current.find(char, gap_at, run.end())
                if gap_at < 0:
                    raise LedgerLostTrack(f"the step added {char!r} near offset {run.start()} without reporting it")
                built.copy(gap_at, gap_at + 1)
                gap_at += 1
            new_at += len(kept.group()) if kept else 0
            old_at = run.end()
        if current[old_at:] != text[new_at:]:
            raise LedgerLostTrack(f"the step changed the text near offset {old_at} without reporting it")
        built.copy(old_at, len(current))
        self._text, self._runs = text, built.runs()


def whole_document(reason: str, text: str) -> Removal:
    """A document that went to the rejected output: all of ``text``, the document as the cleaner got it."""
    return Removal(REJECTED, reason, 0, len(text), text)


@dataclass(frozen=True)
class LedgerEntry:
    """One line of ``removed-*``: a document, named once, and the removals a step made in it, in text order.

    One line per document and step rather than per removal: a long id or URL is written once, however many
    removals the document had (a 1 MB id with 500 removals once made a 1 GB ledger)."""

    id: str | None
    source: str
    line: int | None
    url: str | None
    removals: tuple[Removal, ...]

    def to_dict(self) -> dict:
        """Every key always present, in one order (docs/schema/removed.schema.json)."""
        return {"id": self.id, "input_file": self.source, "line": self.line, "url": self.url,
                # Removal's fields in their order; vars() rather than asdict(), which deep-copies (28x slower).
                "removals": [dict(vars(removal)) for removal in self.removals]}
