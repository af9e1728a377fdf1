"""Find the headline and take it, and its repeats, out of the article text."""

from __future__ import annotations


def _fold(line: str) -> str:
    return " ".join(line.split()).casefold()


def split_headline(text: str, title: str | None) -> tuple[str, str]:
    """Return ``(title, body)``: the given title, else the first non-empty line.

    >>> split_headline("Storm hits coast\\n\\nWinds of 100 km/h.", None)
    ('Storm hits coast', 'Winds of 100 km/h.')
    >>> split_headline("Winds of 100 km/h.", "Storm hits coast")
    ('Storm hits coast', 'Winds of 100 km/h.')
    """
    if title and title.strip():
        return title.strip(), text
    head, _, body = text.lstrip("\n").partition("\n")
    return head.strip(), body.lstrip("\n")


def drop_leading_repeats(body: str, title: str) -> tuple[str, int]:
    """Remove lines at the top of ``body`` that repeat ``title``.

    Blank lines between repeats are skipped; the first line that is neither
    blank nor the title ends the search, so a repeat later in the article stays.

    >>> drop_leading_repeats("Storm hits coast\\n\\nStorm hits coast\\n\\nWinds rose.", "Storm hits coast")
    ('Winds rose.', 2)
    >>> drop_leading_repeats("Winds rose.\\n\\nStorm hits coast", "Storm hits coast")
    ('Winds rose.\\n\\nStorm hits coast', 0)
    """
    key = _fold(title)
    lines = body.split("\n")
    start = repeats = 0
    for start, line in enumerate(lines):
        if not line.strip():
            continue
        if _fold(line) != key:
            break
        repeats += 1
    else:
        start = len(lines)
    if not repeats:
        return body, 0
    return "\n".join(lines[start:]), repeats
