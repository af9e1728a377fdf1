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


# py3langid's automaton (an Aho-Corasick DFA over UTF-8 bytes) is 6 bytes deep: the state after any byte is the
# longest suffix of the text read so far, of at most 6 bytes, that is a node of it. So the state at each position
# is the walk from the start over that position's last 6 bytes alone, and every position takes its 6 steps at once
# (tests/core/test_language_fast.py checks the depth on the model).
AUTOMATON_DEPTH = 6
# A byte no node holds (never in UTF-8): from every state it leads back to the start, so the text's first positions,
# with fewer than 6 bytes before them, walk the same after a run of it.
_NO_NODE = 0xFF


class FastIdentifier(LanguageIdentifier):
    """py3langid's identifier with its feature counts taken by numpy over every position at once, instead of its
    Python walk of one byte at a time, and its table widened once to float32 (numpy's float16 cast of the rows a
    text needs cost more than the rest of the scoring). ``classify``, ``rank`` and the scoring are py3langid's own;
    the counts are the same and are summed in the same order, so the scores are too (tests/core/test_language_fast.py,
    bench/language_speed.py on the corpora).

    >>> identifier().classify("Der Stadtrat hat am Montag beschlossen, das Schwimmbad zu schließen.")[0]
    'de'
    >>> language, score = identifier().classify("")   # no feature: py3langid's answer, every column alike
    >>> language, round(score, 4)
    ('sr', 0.0141)
    """

    __slots__ = ("_after_pair", "_next_state", "_row_start", "_state_feature")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # A view of py3langid's table, not a copy (an array of 2- or 4-byte unsigned integers).
        self._next_state = np.frombuffer(self.tk_nextmove, dtype=f"u{self.tk_nextmove.itemsize}")
        self._row_start = np.asarray(self._rowbase, dtype=np.intp)
        self._state_feature = np.asarray(self.tk_output, dtype=np.intp)
        if np.any(self._next_state.reshape(-1, 256)[:, _NO_NODE]):
            raise ValueError(f"py3langid's model has a node with byte {_NO_NODE:#x}: the fast walk does not apply")
        # The state after any two bytes from the start (512 KB): the first two steps in one look-up.
        pair = np.arange(1 << 16, dtype=np.intp)
        after_first = self._next_state[self._row_start[0] + (pair >> 8)]
        self._after_pair = self._next_state[self._row_start[after_first] + (pair & 0xFF)].astype(np.intp)

    def features(self, text: bytes) -> np.ndarray:
        """The feature emitted at each byte of ``text`` where one is, in text order: py3langid's walk.

        >>> identifier().features(b"the the").tolist()   # the n-grams the model knows here
        [47512, 21834, 21836]
        >>> identifier().features(b"the").tolist()
        []
        """
        size = len(text)
        data = np.frombuffer(bytes([_NO_NODE]) * (AUTOMATON_DEPTH - 1) + text, dtype=np.uint8).astype(np.intp)
        # Position i's window is data[i:i + 6]; each step reads the next byte of every window.
        states = self._after_pair[(data[:size] << 8) | data[1:size + 1]]
        for step in range(2, AUTOMATON_DEPTH):
            states = self._next_state[self._row_start[states] + data[step:size + step]]
        emitted = self._state_feature[states]
        return emitted[emitted >= 0]

    def _raw_score(self, text: bytes) -> np.ndarray:
        """py3langid's naive Bayes scores of ``text`` per column, from :meth:`features`."""
        emitted = self.features(text)
        if not len(emitted):
            return super()._raw_score(b"")   # py3langid's score of a text with no feature
        feature, first, count = np.unique(emitted, return_index=True, return_counts=True)
        # py3langid counts in a Counter, in the order features first occur: the same order sums the same floats.
        order = np.argsort(first)
        return np.log1p(count[order].astype(np.float32)) @ self.nb_ptc[feature[order]] + self.nb_pc


@functools.cache
def identifier() -> FastIdentifier:
    """The model, decompressed in memory. py3langid's own loader streams it through a temporary file (68 MB),
    which fails a worker whose disk is full or whose file size is limited: loading must write nothing. The
    decompressed file is let go before the tables are converted, so that the three never coexist: the process's
    peak over the load was 224 MB, now 171 (a job's peak on 25,000 rejections 401 MB, now 347)."""
    raw = io.BytesIO(lzma.decompress((MODEL_DIR / MODEL_FILE).read_bytes()))
    with np.load(raw, allow_pickle=False) as data:
        tables = {name: data[name] for name in data.files}
    del raw
    next_move = _to_array(tables.pop("nextmove"))
    return FastIdentifier(tables.pop("ptc").astype(np.float32), tables["pc"], tables["classes"].tolist(),
                          next_move, tables["out_feat"].tolist(), norm_probs=True,
                          tk_row=_to_array(tables["nextmove_row"]))


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
