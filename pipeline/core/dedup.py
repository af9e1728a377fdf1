"""Duplicate articles, the pure part: folding, MinHash signatures, LSH band keys and the keeper.

Two documents are *exact* duplicates when their clean text is the same after folding case, punctuation and
whitespace (the headline is not compared: the same story under an edited headline is the same article).
They are *near* duplicates when the Jaccard similarity of their word shingles, estimated from MinHash
signatures (datasketch), is at least the threshold. Band keys put likely pairs together so the Beam layer
(``pipeline/beam/dedup.py``) compares only documents that share a band, never all pairs.

Of two duplicates the one with the smaller :func:`sort_key` (id, then input file, then line) stays: a choice
that depends only on the records themselves, so it is the same on every runner and rerun.

>>> fold("It's   \u201cBREAKING\u201d news,\\nagain!")
['it', 's', 'breaking', 'news', 'again']
>>> exact_key("Rates rise.") == exact_key("  RATES   rise ")
True
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import regex

from pipeline.core.records import CleanArticle
from pipeline.core.words import has_unspaced_script, letter_words

MODES = ("off", "exact", "near")
# Off by default: grouping whole articles by their hash makes Beam's in-process engine hold every clean article
# until the group closes (bench/benchmark.py at 4x input: peak 966 MB with exact, against 369 MB at 1x).
DEFAULT_MODE = "off"
DEFAULT_THRESHOLD = 0.7
NUM_PERM = 128
# Above this, datasketch's best split of NUM_PERM permutations into bands is a single band and MinHashLSH
# refuses it (b < 2); it is checked with the options, not found by the job's first worker.
MAX_THRESHOLD = 0.98
SHINGLE_WORDS = 5
# datasketch's MinHash seeds its permutations with this; every worker must use the same one.
SEED = 1
# datasketch 2's default scheme, named because a MinHash built from given permutations must name it;
# its hash values are 32-bit.
SCHEME = "affine32"
VALUE_DTYPE = np.uint32

_WORD = regex.compile(r"\w+")
# Shingles hashed into a signature at a time.
_BATCH = 10_000

SortKey = tuple[str, str, int]


@dataclass(frozen=True)
class DedupOptions:
    mode: str = DEFAULT_MODE
    threshold: float = DEFAULT_THRESHOLD


def fold(text: str) -> list[str]:
    """The words of a text, case-folded; punctuation (straight or curly quotes alike) and spacing are gone. In a
    script written without spaces each character (a katakana run) is a word, so shingles are character n-grams
    there: a whole sentence would otherwise be one word, and one changed figure a different article."""
    folded = text.casefold()
    return letter_words(folded) if has_unspaced_script(folded) else _WORD.findall(folded)


def exact_key(text: str) -> str:
    return _key_of(fold(text))


def _key_of(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def sort_key(article: CleanArticle) -> SortKey:
    """Smaller stays. Ids alone can repeat (text files in different folders share names), so file and line follow."""
    return (article.id, article.source, -1 if article.line is None else article.line)


def duplicate_group(article: CleanArticle) -> str:
    """The key exact duplicates share: the hash of the folded text. A text with no words (emoji or punctuation
    only) folds to nothing, which is no evidence of a copy: it is a group of its own, keyed by a hash of its sort
    key (no folded text holds the parenthesis that starts it, so the two kinds of key never meet).

    >>> a = CleanArticle(id="a", text="Rates rise.", title=None, url=None, source="f", line=1, metadata={})
    >>> duplicate_group(a) == duplicate_group(CleanArticle(**{**vars(a), "id": "b", "text": "RATES rise"}))
    True
    >>> b = CleanArticle(**{**vars(a), "id": "b", "text": "\U0001f389!!"})
    >>> duplicate_group(b) == duplicate_group(CleanArticle(**{**vars(b), "id": "c"}))
    False
    """
    words = fold(article.text)
    return _key_of(words if words else [repr(sort_key(article))])


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word ``size``-grams of the folded text; a text shorter than that is one shingle."""
    return set(_each_shingle(fold(text), size))


def _each_shingle(words: list[str], size: int) -> Iterator[bytes]:
    return (" ".join(words[i:i + size]).encode("utf-8") for i in range(max(1, len(words) - size + 1)))


class Signer:
    """MinHash signatures and band keys; build once per worker (the permutations cost more than a document)."""

    def __init__(self, threshold: float, num_perm: int = NUM_PERM):
        # Imported here, not with the module: datasketch imports scipy (about 0.5 s), and every process of a job
        # imports this module (the launcher, and each worker to unpickle a Duplicate), with --dedup off too.
        from datasketch import MinHash, MinHashLSH
        self.minhash = MinHash
        self.num_perm = num_perm
        self.permutations = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
        # datasketch picks the bands and rows that minimise false positives plus false negatives at the threshold.
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.bands, self.rows = lsh.b, lsh.r

    def signature(self, text: str) -> bytes:
        return self.signature_of(fold(text))

    def signature_of(self, words: list[str]) -> bytes:
        """The signature of a text whose :func:`fold` is ``words``."""
        minhash = self.minhash(num_perm=self.num_perm, seed=SEED, permutations=self.permutations, scheme=SCHEME)
        # Shingles in batches, never all at once: a MinHash keeps the least hash of each permutation, so repeats
        # and order change nothing, and a 10 MB article no longer holds its 1.7 million shingles (1.9 GB peak).
        each = _each_shingle(words, SHINGLE_WORDS)
        while batch := list(itertools.islice(each, _BATCH)):
            minhash.update_batch(batch)
        return minhash.hashvalues.tobytes()

    def band_keys(self, signature: bytes) -> list[bytes]:
        """One key per band: the band's number and a digest of its rows."""
        width = self.rows * np.dtype(VALUE_DTYPE).itemsize
        return [bytes([band]) + hashlib.blake2b(signature[band * width:(band + 1) * width], digest_size=12).digest()
                for band in range(self.bands)]


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values."""
    a, b = np.frombuffer(signature_a, dtype=VALUE_DTYPE), np.frombuffer(signature_b, dtype=VALUE_DTYPE)
    return float(np.count_nonzero(a == b)) / len(a)


def matches_in_bucket(members: list[tuple[SortKey, bytes]], threshold: float):
    """For each member of a band bucket, the smallest other member with a smaller key that is similar enough.

    Yields ``(key, (smaller key, similarity))``. Members are compared in key order and each stops at its
    first match, so a bucket of copies costs about one comparison per member, not one per pair.
    """
    members = sorted(members)
    for position, (key, signature) in enumerate(members):
        for earlier_key, earlier_signature in members[:position]:
            score = similarity(signature, earlier_signature)
            if score >= threshold:
                yield key, (earlier_key, score)
                break


@dataclass(frozen=True)
class Duplicate:
    """A clean article that duplicates another one, which stays in the clean output."""

    article: CleanArticle
    of: SortKey
    similarity: float
    match: str  # "exact" or "near"

    @property
    def source(self) -> str:
        return self.article.source

    def to_dict(self) -> dict:
        record = self.article.to_dict()
        # Every key always, as in the other outputs: a whole-file article has no line.
        record.update(duplicate_of=self.of[0], duplicate_of_input_file=self.of[1],
                      duplicate_of_line=self.of[2] if self.of[2] >= 0 else None,
                      similarity=round(self.similarity, 4), match=self.match)
        return record
