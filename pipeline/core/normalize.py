"""Unicode repair and whitespace normalisation: plain functions, no Beam.

Every ftfy flag is set explicitly below with the reason for its value, so an
ftfy upgrade that changes a default cannot change our output unnoticed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

import ftfy
import regex

from pipeline.core.budget import Budget

UnicodeForm = Literal["NFC", "NFKC"]

# Spaces that render like U+0020 but break search and tokenisation: no-break,
# ogham, en/em/thin/hair spaces, narrow no-break, medium mathematical, ideographic.
# Tab, vertical tab and form feed inside a paragraph are layout, not content.
_SPACE_LIKE = "\t\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Invisible characters scrapers leave inside words: zero-width space,
# non-joiner, joiner, word joiner, byte-order mark, soft hyphen, Mongolian vowel separator.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
# Control characters ftfy leaves: C1 codes that Windows-1252 does not define (\x81, \x8d...) and
# any C0 code that reaches this step. They carry no text.
_CONTROLS = "".join(chr(c) for c in [*range(0x20), *range(0x7f, 0xa0)] if chr(c) not in "\n" + _SPACE_LIKE)
# Substitutions rather than str.translate, which runs at about 7 MB/s; a search first, since
# most texts hold none of these characters.
_SPACE_LIKE_CHAR = re.compile("[" + re.escape(_SPACE_LIKE) + "]")
_INVISIBLE_CHAR = re.compile("[" + re.escape(ZERO_WIDTH + _CONTROLS) + "]")
_SPACE_LIKE_OR_INVISIBLE = re.compile("[" + re.escape(_SPACE_LIKE + ZERO_WIDTH + _CONTROLS) + "]")
# ftfy can turn text into a new form that it would fix again (C1 codes become Windows-1252
# letters that read as mojibake); repeating until nothing changes makes cleaning idempotent.
_MAX_FTFY_PASSES = 3
# Canonical reordering (NFC, NFKC) sorts a run of combining marks by insertion, quadratic in the run's
# length: 400 KB of alternating marks take about 40 s in CPython. UAX #15's stream-safe text format bounds
# a run at 30 marks, more than any script stacks on one letter; a longer run keeps its first 30.
MAX_MARK_RUN = 30
_LONG_MARK_RUN = regex.compile(rf"(\p{{M}}{{{MAX_MARK_RUN}}})\p{{M}}+")


@dataclass(frozen=True)
class NormalizeOptions:
    """Choices users disagree on; the defaults keep the text as published."""

    straight_quotes: bool = False
    unicode_form: UnicodeForm = "NFC"
    decode_html_entities: bool = False

    def __post_init__(self):
        if self.unicode_form not in ("NFC", "NFKC"):
            raise ValueError(f"unicode_form must be NFC or NFKC, not {self.unicode_form!r}")


def ftfy_config(options: NormalizeOptions) -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(
        # Off by default: an entity in plain text ("S&#227;o Paulo") is how the source
        # published it, and the gold answers keep it; none of the 6,300 scraped
        # articles in the corpus has one. HTML input is decoded by the HTML reader.
        unescape_html=options.decode_html_entities,
        # ANSI colour codes come from console logs, never from articles.
        remove_terminal_escapes=True,
        # The main reason to run ftfy: UTF-8 read as Windows-1252 (â€™) and worse.
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        # "ﬁ" is "fi" to every reader and to search.
        fix_latin_ligatures=True,
        # Full-width Latin letters in news are a layout artefact (but see fix_unicode: not in CJK lines).
        fix_character_width=True,
        # Curly quotes are what the publisher printed; straightening them is an option.
        uncurl_quotes=options.straight_quotes,
        # \r\n, \r, U+2028, U+2029 and NEL all become \n.
        fix_line_breaks=True,
        fix_surrogates=True,
        # NUL, DEL and other C0/C1 controls carry no text.
        remove_control_chars=True,
        normalization=options.unicode_form,
        # Documents longer than this are fixed segment by segment; ftfy's default.
        max_decode_length=1_000_000,
        # The explanation is thrown away; computing it costs time.
        explain=False,
    )


# Scripts whose own punctuation is full-width (，。（）：！ and the ideographic space): folding it to ASCII, as
# ftfy's fix_character_width does, rewrites the publisher's text, so lines holding these scripts keep their widths.
_FULL_WIDTH_SCRIPT = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}]")


@functools.cache
def _keeping_widths(config: ftfy.TextFixerConfig) -> ftfy.TextFixerConfig:
    return config._replace(fix_character_width=False)


def fix_unicode(text: str, config: ftfy.TextFixerConfig) -> str:
    """Repair mojibake, entities, control characters and line breaks with ftfy.

    A line in a script written with full-width punctuation (Chinese, Japanese, Korean) keeps its widths.

    >>> fix_unicode("The Mayorâ€™s office\\x00 costs Â£5", ftfy_config(NormalizeOptions()))
    'The Mayor’s office costs £5'
    >>> fix_unicode("Plain ASCII stays as it is.", ftfy_config(NormalizeOptions()))
    'Plain ASCII stays as it is.'
    >>> fix_unicode("ＡＢＣ\\n地铁开通，全长２７公里（一期）", ftfy_config(NormalizeOptions()))
    'ABC\\n地铁开通，全长２７公里（一期）'
    """
    if not text.isascii() and _FULL_WIDTH_SCRIPT.search(text):
        # ftfy fixes a text line by line too; here each line gets the settings its script needs.
        return "".join(_fix_passes(line, _keeping_widths(config) if _FULL_WIDTH_SCRIPT.search(line) else config)
                       for line in text.splitlines(keepends=True))
    return _fix_passes(text, config)


def _fix_passes(text: str, config: ftfy.TextFixerConfig) -> str:
    for _ in range(_MAX_FTFY_PASSES):
        fixed = ftfy.fix_text(text, config)
        if fixed == text:
            break
        text = fixed
    return text


# Characters that might be safe to leave to the fast path: Latin letters and punctuation, general
# punctuation, currency and letter-like symbols. Which of them really are is asked of ftfy itself.
_CANDIDATES = frozenset(chr(c) for c in (*range(0xA0, 0x250), *range(0x2000, 0x20D0), *range(0x2100, 0x2150),
                                          *range(0x2190, 0x27C0)))
# Typography that often stands side by side ('’” and —“); runs of up to three of them are asked too.
_TYPOGRAPHY_SET = frozenset("‘’“”–—…•\u00a0\u2009\u200a\u200b\u202f")
_CONTEXTS = ("a{}b", "a {} b", "{}", "A{}.", "1{}2", "{} x", "x {}", "{}\n")
# Byte classes for the fast check: printable ASCII, newline, tab and carriage return are "nothing
# to fix" (a space); other control bytes are "fix" (NUL, which no run of safe characters contains);
# non-ASCII bytes stay as they are.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\n\t\r"
_MAX_VERDICTS = 20_000
# Verdicts on a run, from best to worst.
_LEFT_ALONE, _HAS_SPACES, _NEEDS_FTFY = 0, 1, 2


class UnicodeFixer:
    """ftfy with a fast path: a text ftfy would leave alone is returned without running it.

    ftfy runs at about 2 MB/s; most articles need none of its fixes. A text
    needs ftfy unless it holds only printable ASCII, newlines, tabs, and
    non-ASCII characters that stand alone (no two side by side, since mojibake
    is always a run, save short runs of common typography) and that ftfy leaves
    alone in every ASCII context. Each such run is asked of ftfy itself, with
    the same settings, the first time it is seen; the verdict also says whether
    the run holds a space-like or invisible character, so that :meth:`repair`
    can skip :func:`normalize_spaces` without searching the text again.
    """

    def __init__(self, options: NormalizeOptions):
        self.config = ftfy_config(options)
        self.options = options
        # Verdicts on the runs seen so far; capped, so text in a script full of long runs cannot grow it.
        self._verdicts: dict[bytes, int] = {}
        plain = _PLAIN_ASCII.replace(b"&", b"") if options.decode_html_entities else _PLAIN_ASCII
        self._mask = bytes(0x20 if b in plain else 0x00 if b < 0x80 else b for b in range(256))

    def needs_ftfy(self, text: str) -> bool:
        return self._scan(text) == _NEEDS_FTFY

    def _scan(self, text: str) -> int:
        """The worst verdict on the text's runs of non-ASCII characters."""
        try:
            masked = text.encode("utf-8").translate(self._mask)
        except UnicodeEncodeError:  # lone surrogates: ftfy's business
            return _NEEDS_FTFY
        verdicts, worst = self._verdicts, _LEFT_ALONE
        for run in set(masked.split()):   # an article repeats the same few runs (’ “ ” —) many times
            verdict = verdicts.get(run)
            if verdict is None:
                verdict = _run_verdict(self.options, run)
                if len(verdicts) < _MAX_VERDICTS:
                    verdicts[run] = verdict
            if verdict == _NEEDS_FTFY:
                return verdict
            worst |= verdict
        return worst

    def fix(self, text: str) -> str:
        """The same result as :func:`fix_unicode`, faster."""
        if not self.needs_ftfy(text):
            return _fix_line_breaks(text)
        return self._fix_lines(text)

    def repair(self, text: str, budget: Budget | None = None) -> str:
        """:meth:`fix`, then :func:`normalize_spaces`; ftfy stops at a line once ``budget`` is spent."""
        verdict = self._scan(text)
        if verdict == _NEEDS_FTFY:
            return normalize_spaces(self._fix_lines(text, budget))
        text = _fix_line_breaks(text)
        return normalize_spaces(text) if verdict == _HAS_SPACES or "\t" in text else text

    def _fix_lines(self, text: str, budget: Budget | None = None) -> str:
        # ftfy.fix_text fixes a text line by line (each segment ends at a "\n"), so the lines
        # that need nothing are left out: a damaged article usually has a few damaged lines.
        segments = [line + "\n" for line in text.split("\n")]
        segments[-1] = segments[-1][:-1]
        return "".join(self._fix_segment(segment, budget) for segment in segments)

    def _fix_segment(self, segment: str, budget: Budget | None) -> str:
        if not self.needs_ftfy(segment):
            return _fix_line_breaks(segment)
        if budget:   # ftfy cannot be interrupted: the budget is checked before each line it repairs
            budget.check("normalize", "repairing the text with ftfy")
        return fix_unicode(segment, self.config)


def _fix_line_breaks(text: str) -> str:
    """All ftfy does to a text that needs none of its other fixes."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _run_verdict(options: NormalizeOptions, run: bytes) -> int:
    """_NEEDS_FTFY unless ftfy, with these options, leaves the run alone in every ASCII context."""
    text = run.decode("utf-8", errors="replace")
    eligible = (len(text) == 1 and text in _CANDIDATES) or (2 <= len(text) <= 3 and set(text) <= _TYPOGRAPHY_SET)
    if not (eligible and _left_alone(options, text)):
        return _NEEDS_FTFY
    return _HAS_SPACES if _SPACE_LIKE_OR_INVISIBLE.search(text) else _LEFT_ALONE


# Bounded: only eligible runs reach it (about 4,600 of them).
@functools.cache
def _left_alone(options: NormalizeOptions, text: str) -> bool:
    config = ftfy_config(options)
    return all(ftfy.fix_text(context.format(text), config) == context.format(text) for context in _CONTEXTS)


def normalize_spaces(text: str) -> str:
    """Turn space-like characters into a plain space; drop zero-width and control characters.

    >>> normalize_spaces("10\u00a0km\u200b away")
    '10 km away'
    >>> normalize_spaces("no change here")
    'no change here'
    """
    if not _SPACE_LIKE_OR_INVISIBLE.search(text):
        return text
    return _SPACE_LIKE_CHAR.sub(" ", _INVISIBLE_CHAR.sub("", text))


def tidy_layout(text: str) -> str:
    """Trim lines, collapse space runs and separate paragraphs by one blank line.

    Single line breaks inside a paragraph are kept: they can be content (a list,
    a poem, an address).

    >>> tidy_layout("  First  line \\n\\n\\n\\nSecond\\n")
    'First line\\n\\nSecond'
    >>> tidy_layout("One\\nTwo\\n\\nThree")
    'One\\nTwo\\n\\nThree'
    """
    # str.replace until nothing is left to replace: several times faster than the equivalent
    # substitutions (" {2,}", " *\n *", "\n{3,}"), and most texts need no pass at all.
    while "  " in text:
        text = text.replace("  ", " ")
    # Spaces now stand alone, so one replacement each side of a line break takes them all.
    text = text.replace(" \n", "\n").replace("\n ", "\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip(" \n")


def cap_mark_runs(text: str) -> tuple[str, int]:
    """Cut every run of combining marks to its first ``MAX_MARK_RUN``; return the text and the marks dropped.

    >>> text, dropped = cap_mark_runs("e\u0301x" + "\u0316" * 40)
    >>> text == "e\u0301x" + "\u0316" * 30, dropped
    (True, 10)
    """
    if text.isascii():
        return text, 0
    dropped = 0

    def keep_first(run: regex.Match) -> str:
        nonlocal dropped
        dropped += len(run[0]) - MAX_MARK_RUN
        return run[1]

    return _LONG_MARK_RUN.sub(keep_first, text), dropped


def normalize(text: str, fixer: UnicodeFixer, budget: Budget | None = None) -> str:
    """The whole normalisation step: ftfy (where needed), then spaces, then layout."""
    return tidy_layout(fixer.repair(text, budget))
