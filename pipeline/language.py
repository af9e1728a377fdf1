"""Which language an article is written in: py3langid's model, shipped inside its package, nothing fetched.

Why py3langid, measured against lingua and fastText's small model in BENCHMARKS.md (Language identification).
The model loads once per process (under a second), the first time :func:`identifier` is called: at the construction
of a step or a flag's check, never per document.
"""

from __future__ import annotations

import functools
import io
import lzma

import numpy as np
import regex
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import _to_array

# The start of a text is enough: on the corpora and fixtures the first 500 characters give the language of the
# whole text (BENCHMARKS.md), and the cost stays the same for an article of any length.
IDENTIFIED_CHARS = 500
# What a text without a letter, or with too little of one language to tell, is (the code ISO 639 reserves for
# "undetermined"); the model would guess one.
UNDETERMINED = "und"
# Below this confidence the model's best guess is noise: 2/142 (0.0141) is its answer with no feature at all
# ("OK" is Serbian), "Yes." 0.09; the clean English articles of the corpora all score 0.126 or more (BENCHMARKS.md).
MIN_CONFIDENCE = 0.1
_LETTER = regex.compile(r"\p{L}")


@functools.cache
def identifier() -> LanguageIdentifier:
    """The model, decompressed in memory. py3langid's own loader streams it through a temporary file (68 MB),
    which fails a worker whose disk is full or whose file size is limited: loading must write nothing."""
    with np.load(io.BytesIO(lzma.decompress((MODEL_DIR / MODEL_FILE).read_bytes())), allow_pickle=False) as data:
        return LanguageIdentifier(np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
                                  _to_array(data["nextmove"]), data["out_feat"].tolist(), norm_probs=True,
                                  tk_row=_to_array(data["nextmove_row"]))


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
    """``(language, confidence)`` of ``text``, from its first IDENTIFIED_CHARS characters; ``und`` with the
    model's confidence where it is below MIN_CONFIDENCE, with 0.0 where the text has no letter.

    >>> identify("Der Stadtrat hat am Montag beschlossen, das Schwimmbad zu schließen.")[0]
    'de'
    >>> identify("The council voted on Monday to close the pool for good.")[0]
    'en'
    >>> identify("12:30 -- 4/5")
    ('und', 0.0)
    >>> identify("OK")
    ('und', 0.0141)
    """
    sample = text[:IDENTIFIED_CHARS]
    if not _LETTER.search(sample):
        return UNDETERMINED, 0.0
    language, score = identifier().classify(sample)
    return (language if score >= MIN_CONFIDENCE else UNDETERMINED), round(score, 4)
