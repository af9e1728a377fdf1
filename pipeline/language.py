"""Which language an article is written in: py3langid's model, shipped inside its package, nothing fetched.

Chosen over lingua (a 96 MB package) and fasttext-langdetect (it downloads its model at run time); measured in
BENCHMARKS.md. The model loads once per process (about 3 s), the first time :func:`identifier` is called: at
the construction of a step or a flag's check, never per document.
"""

from __future__ import annotations

import functools

import regex
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# The start of a text is enough: on the 6,331 articles of the corpora, the first 500 characters gave the same
# language as the whole text for every one (300: 3 differ), and every fixture's, at a twelfth of the cost.
IDENTIFIED_CHARS = 500
# What a text without a letter is (a code ISO 639 reserves for "undetermined").
UNDETERMINED = "und"
_LETTER = regex.compile(r"\p{L}")


@functools.cache
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def known_languages() -> frozenset[str]:
    """The codes the model tells apart (140; ISO 639-1 where one exists, else 639-3: ``yue``), and ``und``."""
    return frozenset(identifier().labels) | {UNDETERMINED}


def parse_languages(codes: str) -> tuple[str, ...]:
    """The languages of a ``--languages`` value, checked against the model's; ValueError names the unknown.

    >>> parse_languages("en, DE")
    ('en', 'de')
    >>> parse_languages("en,english")
    Traceback (most recent call last):
    ValueError: unknown language code 'english': use the ISO 639 codes the model knows (ace, af, am, an, ...)
    """
    languages = tuple(dict.fromkeys(code.strip().lower() for code in codes.split(",") if code.strip()))
    if not languages:
        raise ValueError("no language code given")
    known = known_languages()
    for code in languages:
        if code not in known:
            listed = ", ".join(sorted(known - {UNDETERMINED})[:4])
            raise ValueError(f"unknown language code {code!r}: use the ISO 639 codes the model knows ({listed}, ...)")
    return languages


def identify(text: str) -> tuple[str, float]:
    """``(language, confidence)`` of ``text``, from its first IDENTIFIED_CHARS characters.

    >>> identify("Der Stadtrat hat am Montag beschlossen, das Schwimmbad zu schließen.")[0]
    'de'
    >>> identify("The council voted on Monday to close the pool for good.")[0]
    'en'
    >>> identify("12:30 -- 4/5")
    ('und', 0.0)
    """
    sample = text[:IDENTIFIED_CHARS]
    if not _LETTER.search(sample):
        return UNDETERMINED, 0.0
    language, score = identifier().classify(sample)
    return language, round(score, 4)
