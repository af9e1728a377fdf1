"""Find the headline and take it, and its repeats, out of the article text."""

from __future__ import annotations

import regex

from pipeline.core.site_suffix import is_site_suffix, site_names, suffix_name
from pipeline.core.words import word_count

# Labels a page puts before a headline that its repeat may lack: "WATCH: Storm hits coast".
_LABEL = regex.compile(r"^(?:watch|listen|video|live|breaking|exclusive|opinion|analysis|updated?)\s*[:|–—-]\s*")
_QUOTES = (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'))
# A subtitle run onto the headline starts like a sentence: a capital, a digit or a quote.
_DEK_START = regex.compile(r"\s*[\p{Lu}\d\"“‘']")


# Longer than any headline seen in the corpus: a lone line this long is the article itself.
HEADLINE_MAX_WORDS = 25


def _fold(line: str) -> str:
    """The form in which two headlines compare: case, spacing, quote style and a leading label aside."""
    folded = " ".join(line.split()).casefold()
    if not folded.isascii():   # str.translate is slow; four replacements are not
        for curly, straight in _QUOTES:
            folded = folded.replace(curly, straight)
    return _LABEL.sub("", folded)


def _is_site_suffix(rest: str, url: str | None, named_in_host: bool = False) -> bool:
    """Whether ``rest`` (" | Daily Post") is a site name: short, or (``named_in_host``, with a URL) naming the site.

    A repeat of the headline is where a site name is expected, so a short one passes; a longer one must name
    the site: "Tech Now - High Tech Heart Surgery" names an episode.
    """
    name = suffix_name(rest)
    return name is not None and is_site_suffix(name, site_names(url), short_is_enough=not (named_in_host and url))


def split_headline(text: str, title: str | None, first_line_is_headline: bool = True) -> tuple[str, str]:
    """Return ``(title, body)``: the given title, else the first non-empty line.

    With ``first_line_is_headline`` false (archives that keep headlines in
    other files), a text without a title keeps all its lines and gets none.

    A text that is a single line of more than HEADLINE_MAX_WORDS words has no
    headline: it is all body (some archives keep headlines in other files).

    >>> split_headline("Storm hits coast\\n\\nWinds of 100 km/h.", None)
    ('Storm hits coast', 'Winds of 100 km/h.')
    >>> split_headline("Winds of 100 km/h.", "Storm hits coast")
    ('Storm hits coast', 'Winds of 100 km/h.')
    """
    if title and title.strip():
        return title.strip(), text
    if not first_line_is_headline:
        return "", text
    head, _, body = text.lstrip("\n").partition("\n")
    if not body.strip() and word_count(head) > HEADLINE_MAX_WORDS:
        return "", head.strip()
    return head.strip(), body.lstrip("\n")


def find_leading_repeats(body: str, title: str, url: str | None = None,
                         title_from_record: bool = False) -> tuple[str, str, list[tuple[int, int]]]:
    """Remove repeats of ``title`` from the top of ``body``; return ``(title, body, repeats)``, ``repeats`` the
    ``(start, end)`` of each repeat in the given ``body`` (the removal ledger's cuts).

    A repeat is the headline again (case, spacing, quote style and a label such
    as "WATCH:" aside), the headline with a site name appended (up to three
    words, or longer when a word of it is in the URL's host), or, when the title carries the site name, the
    headline without it (the shorter form then becomes the title). A line that
    runs a subtitle onto the exact headline keeps the subtitle. Blank lines
    between repeats are skipped; the first other line ends the search, so a
    repeat later in the article stays.

    A title from the record's own field can be a programme's or a series' name
    ("Tech Now") whose episode title starts the text ("Tech Now - Building My
    Body"): with ``title_from_record`` and a URL, an appended part counts as a
    site name only when a word of it is in the URL's host.

    >>> find_leading_repeats("Storm hits coast | Daily Post\\n\\nStorm hits coast\\n\\nWinds rose.", "Storm hits coast")
    ('Storm hits coast', 'Winds rose.', [(0, 29), (31, 47)])
    >>> find_leading_repeats("Storm hits coast Three towns lost power.\\n\\nWinds rose.", "Storm hits coast")
    ('Storm hits coast', 'Three towns lost power.\\n\\nWinds rose.', [(0, 16)])
    >>> find_leading_repeats("Storm hits coast of Kent, killing two.", "Storm hits coast")
    ('Storm hits coast', 'Storm hits coast of Kent, killing two.', [])
    >>> find_leading_repeats("Tech Now - Building My Body\\n\\nSeries.", "Tech Now", "https://www.bbc.co.uk/x", True)
    ('Tech Now', 'Tech Now - Building My Body\\n\\nSeries.', [])
    """
    if not title:
        return title, body, []
    key = _fold(title)
    repeats: list[tuple[int, int]] = []
    start = 0
    # Line by line from the top, without splitting the whole body: the search ends within a few lines.
    while start <= len(body):
        end = body.find("\n", start)
        end = len(body) if end < 0 else end
        line = body[start:end]
        if not line.strip():
            start = end + 1
            continue
        stripped = line.strip()
        # The repeat as printed, without the spaces around it.
        printed = start + len(line) - len(line.lstrip())
        folded = _fold(line)
        if folded == key or (folded.startswith(key) and _is_site_suffix(folded[len(key):], url, title_from_record)):
            repeats.append((printed, printed + len(stripped)))
            start = end + 1
            continue
        if key.startswith(folded) and _is_site_suffix(key[len(folded):], url, title_from_record):
            title, key = stripped, folded
            repeats.append((printed, printed + len(stripped)))
            start = end + 1
            continue
        if stripped.startswith(title) and _DEK_START.match(stripped[len(title):]):
            repeats.append((printed, printed + len(title)))
            return title, stripped[len(title):].strip() + body[end:], repeats
        return title, body[start:], repeats
    return title, "", repeats
