"""What the commands print to a terminal: strings from the input, with the characters a terminal acts on shown.

An id, URL, title, site or file name comes from the input as it was written. A terminal reads escape
sequences in what it prints: ``ESC ] 52 ; c ; ... BEL`` sets the clipboard in many terminals, ``ESC [ 2 J``
clears the screen, ``ESC ] 8`` makes a hyperlink whose target is not what is shown, and U+202E (right-to-left
override) shows text in another order than it is. :func:`shown` is the one place such characters are turned
into their escapes, for every string of input the commands print. ``repr()`` (``{value!r}``) output is
already safe: it escapes every non-printable character, these included.
"""

from __future__ import annotations

import re

# C0 controls and DEL, C1 controls (U+0080 to U+009F: U+009B alone starts a CSI sequence in some terminals),
# the bidirectional embeddings and overrides (U+202A to U+202E) and isolates (U+2066 to U+2069).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_NEWLINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(text: str, lines: bool = False) -> str:
    """``text`` with every control and bidirectional-control character escaped (``\\x1b``, ``\\u202e``);
    ordinary text, other scripts and emoji as they are. ``lines``: keep newlines and tabs, for text printed as
    lines (a summary, a document); without it a line break in an id is escaped too, so it cannot start a line
    that looks like the command's own.

    >>> shown("id-\\x1b]52;c;aGk=\\x07 \\x1b[2J")
    'id-\\\\x1b]52;c;aGk=\\\\x07 \\\\x1b[2J'
    >>> shown("txt.\\u202eexe")
    'txt.\\\\u202eexe'
    >>> shown("a\\nb"), shown("a\\nb\\tc\\r", lines=True)
    ('a\\\\x0ab', 'a\\nb\\tc\\\\x0d')
    >>> shown("Ünïcode, 東京, عربي, 🙂 https://example.com/a?b=1&c")
    'Ünïcode, 東京, عربي, 🙂 https://example.com/a?b=1&c'
    """
    return (_UNSAFE_BUT_NEWLINES if lines else _UNSAFE).sub(_escape, text)
