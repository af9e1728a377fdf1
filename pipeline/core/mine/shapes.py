"""A line's shape: the line with its numbers, dates and counts generalised, and the rule pattern of a shape.

Furniture repeats with small changes (``12 Comments``, ``Updated 3 hours ago``, ``Published On 25 May 2026``):
lines that differ only in those parts share one shape, so they are counted together and become one pattern.
A shape is the line with each generalised part replaced by a private-use marker; :func:`shape_pattern` turns
it into a full-line regex that matches the lines of that shape and nothing longer.

>>> display(line_shape("Updated 3 hours ago"))
'Updated <N> hour<S> ago'
>>> line_shape("Published On 25 May 2026") == line_shape("Published On 2 June 2025")
True
>>> shape_pattern(line_shape("12 Comments"))
'\\\\d+(?:[.,:]\\\\d+)*[ ]Comments?'
"""

from __future__ import annotations

import regex

NUMBER, MONTH, WEEKDAY, AM_PM, PLURAL = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
MARKERS = NUMBER + MONTH + WEEKDAY + AM_PM + PLURAL

_NUMBER = r"\d+(?:[.,:]\d+)*"
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
           r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
# Full names only: the abbreviations include words and names ('Sun', 'Wed').
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_AM_PM = r"(?:[ap]\.m\.|[AaPp][Mm]\b)"
# Units that follow a count and take a plural -s: '1 comment' and '12 comments' are one shape.
_UNITS = ("second", "minute", "hour", "day", "week", "month", "year", "comment", "share", "view", "photo",
          "image", "item", "reader", "min", "hr")
_PARTS = regex.compile(
    rf"(?P<number>(?<![\w.,:]){_NUMBER}(?![\w]))(?:[ ](?P<unit>(?i:{'|'.join(_UNITS)}))s?\b)?"
    rf"|(?<!\w)(?P<month>{_MONTHS})(?!\w)"
    rf"|(?<!\w)(?P<weekday>{_WEEKDAYS})(?!\w)"
    rf"|(?<!\w)(?P<ampm>{_AM_PM})")

_REGEX = {NUMBER: _NUMBER, MONTH: _MONTHS, WEEKDAY: _WEEKDAYS, AM_PM: _AM_PM, PLURAL: "s?"}
_NAMES = {NUMBER: "<N>", MONTH: "<MONTH>", WEEKDAY: "<WEEKDAY>", AM_PM: "<AM/PM>", PLURAL: "<S>"}


def _generalise(match: regex.Match) -> str:
    if match.group("number") is not None:
        unit = match.group("unit")
        # The unit keeps its case; only its plural -s is generalised.
        return NUMBER if unit is None else NUMBER + " " + unit + PLURAL
    if match.group("month") is not None:
        return MONTH
    return WEEKDAY if match.group("weekday") is not None else AM_PM


def line_shape(line: str) -> str:
    """The line with numbers, month and weekday names, a.m./p.m. and counted units' plural -s generalised."""
    return _PARTS.sub(_generalise, line)


def has_markers(text: str) -> bool:
    """True for text that holds a marker character: a line that does has no unambiguous shape."""
    return any(marker in text for marker in MARKERS)


def _literal(text: str) -> str:
    return regex.escape(text, special_only=True, literal_spaces=True).replace(" ", "[ ]")


def shape_pattern(shape: str) -> str:
    """The regex (without anchors) of the lines of a shape; spaces as ``[ ]``, as the rules README asks."""
    parts = regex.split(f"([{MARKERS}])", shape)
    return "".join(_REGEX[part] if part in _REGEX else _literal(part) for part in parts if part)


def display(shape: str) -> str:
    """A shape as a person reads it: ``Updated <N> hour<S> ago``."""
    return "".join(_NAMES.get(char, char) for char in shape)
