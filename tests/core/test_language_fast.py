"""pipeline.core.language's identifier equals py3langid's own: the same features, languages and scores on every text.

The fast identifier replaces py3langid's walk of one byte at a time by numpy over all positions at once, which is
exact only because the model's automaton is at most AUTOMATON_DEPTH bytes deep; the reference is py3langid as it
ships (tests/reference.py). The corpus test runs on every document of ../shared/corpus (or $NEWSCLEAN_CORPUS),
as the cleaning core's equivalence test does, and is skipped where the corpus is not there.
"""

import json
import math
import random

import numpy as np
import pytest
from py3langid.langid import visit_counts

from pipeline.core.language import AUTOMATON_DEPTH, IDENTIFIED_CHARS, identifier
from tests.conftest import FIXTURES
from tests.core.test_fast_path import CORPUS, articles
from tests.reference import reference_identifier

REFERENCE = reference_identifier()
FAST = identifier()


def assert_same(text: str | bytes) -> None:
    """classify and rank of the fast identifier are py3langid's, to float tolerance."""
    (language, score), (ref_language, ref_score) = FAST.classify(text), REFERENCE.classify(text)
    assert language == ref_language and math.isclose(score, ref_score, rel_tol=1e-6), text[:60]
    rank, ref_rank = FAST.rank(text), REFERENCE.rank(text)
    assert [code for code, _ in rank] == [code for code, _ in ref_rank], text[:60]
    assert all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12) for (_, a), (_, b) in zip(rank, ref_rank, strict=True)), text[:60]


def fixture_texts() -> list[str | bytes]:
    """Every text of the fixtures: the records' texts and titles, the seven-script articles whole, the raw bytes
    of the lines that are not JSON objects and of the text files (Latin-1, UTF-16, invalid UTF-8 among them)."""
    texts: list[str | bytes] = []
    for path in sorted(FIXTURES.rglob("*.jsonl")):
        for line in path.read_bytes().split(b"\n"):
            try:
                record = json.loads(line)
            except ValueError:
                texts.append(line)
                continue
            if not isinstance(record, dict):
                continue
            texts += [value for key in ("title", "text") if isinstance(value := record.get(key), str)]
            if isinstance(record.get("paragraphs"), list):
                texts.append("\n\n".join([record.get("title") or "", *record["paragraphs"]]))
    return texts + [path.read_bytes() for path in sorted(FIXTURES.rglob("*.txt"))]


def test_the_models_automaton_is_no_deeper_than_the_fast_walk_reads():
    # Breadth first from the start: a state first reached at step d is the node of a d-byte string.
    depth = np.full(len(FAST.tk_row), -1)
    depth[0], frontier, step = 0, np.zeros(1, dtype=np.intp), 0
    while len(frontier):
        step += 1
        reached = FAST._next_state[(FAST._row_start[frontier][:, None] + np.arange(256)).ravel()]
        depth[reached[depth[reached] < 0]] = step
        frontier = np.flatnonzero(depth == step)
    assert depth.min() == 0 and depth.max() == AUTOMATON_DEPTH


def test_the_features_are_py3langids_counted_in_the_same_order():
    texts = fixture_texts()
    assert len(texts) > 100
    for text in texts:
        encoded = REFERENCE._encode(text)
        walked = visit_counts(REFERENCE.tk_nextmove, REFERENCE._rowbase, REFERENCE.tk_output, encoded) or {}
        counted: dict[int, int] = {}
        for feature in FAST.features(encoded).tolist():
            counted[feature] = counted.get(feature, 0) + 1
        assert list(counted.items()) == list(walked.items()), text[:60]


def test_fast_and_py3langid_agree_on_every_fixture_text_whole_and_cut():
    scripts = {json.loads(line)["language"] for line in (FIXTURES / "scripts" / "articles.jsonl").open()}
    assert len(scripts) == 7
    for text in fixture_texts():
        assert_same(text)
        assert_same(text[:IDENTIFIED_CHARS])


def hostile_texts() -> list[str | bytes]:
    chance = random.Random(22)
    mixed = "é" * 200 + "日本語のテキスト" * 40 + "🙂𝔘𝔫𝔦" * 50
    return [
        "", b"", " ", "a", "\x00", "\ufeff", "\ud800", "OK", "Yes.",
        *[bytes([byte]) for byte in range(256)],                       # every single byte
        "".join(map(chr, [*range(32), 127, *range(0x80, 0xA0)])) * 8,   # every control character
        "🙂" * 600, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " * 120, "\U0010fffd" * 10,              # astral characters
        mixed[:IDENTIFIED_CHARS],                                        # cut at the characters identify reads
        *[mixed.encode()[:cut] for cut in range(498, 506)],              # 500 bytes and more, cut mid-character
        b"\xff\xfe" * 300, b"\xff" * 5 + "Grüße aus Köln".encode(),      # invalid UTF-8: read as raw bytes
        "THE COUNCIL VOTED ON MONDAY TO CLOSE THE POOL.",               # all capitals: py3langid lowers them
        *[bytes(chance.randrange(256) for _ in range(chance.randrange(1, 700))) for _ in range(40)],
        *["".join(chr(chance.choice([chance.randrange(32, 0x250), chance.randrange(0x400, 0x4FF),
                                     chance.randrange(0x3040, 0x30FF), chance.randrange(0x1F300, 0x1F64F)]))
                  for _ in range(chance.randrange(1, 700))) for _ in range(40)],
    ]


def test_fast_and_py3langid_agree_on_hostile_texts():
    for text in hostile_texts():
        assert_same(text)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_fast_and_py3langid_agree_on_every_document_of_the_corpus():
    checked = 0
    for article in articles(CORPUS):
        # What the language step reads: the headline and the start of the text.
        assert_same(f"{article.title}\n{article.text}"[:IDENTIFIED_CHARS] if article.title else
                    article.text[:IDENTIFIED_CHARS])
        checked += 1
    assert checked > 8000
