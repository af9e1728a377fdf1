"""The fast paths (ftfy only on the lines that need it, line rules in one gated pass over the
lines, rules with 'requires' only on the lines holding a literal) give exactly the reference
output of tests/reference.py (ftfy on every text, each rule on its own on the whole text, in order).

The corpus test runs on every document of ../shared/corpus (or $NEWSCLEAN_CORPUS) and is
skipped where the corpus is not there, as on a user's machine; CI has it.
"""

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from pipeline.beam.rule_files import load_rules
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.readers import JsonlFields, article_from_file
from pipeline.core.readers.jsonl import article_from_json_line
from pipeline.core.records import Rejected
from tests.conftest import BUNDLED_RULES, FIXTURES, REPO
from tests.reference import reference_cleaner

CORPUS = Path(os.environ.get("NEWSCLEAN_CORPUS", REPO.parent / "shared" / "corpus"))
RULES = load_rules([str(BUNDLED_RULES)])
# With the removal ledger on, so that every removal, its rule and its place must come out the same on both paths.
LEDGER = CleanOptions(ledger=True)
FAST, REFERENCE = Cleaner(RULES, LEDGER), reference_cleaner(RULES, LEDGER)


def outcome(cleaner: Cleaner, article, on_step=None):
    try:
        clean = cleaner.clean(article, on_step)
        return clean.title, clean.text, clean.stats, clean.removals
    except Rejected as error:
        return error.reason


def articles(folder: Path):
    for path in sorted(folder.rglob("*.jsonl")):
        for line_no, line in enumerate(path.read_bytes().splitlines(), 1):
            try:
                yield article_from_json_line(line, str(path), line_no, JsonlFields())
            except Rejected:
                continue
    for path in sorted(folder.rglob("*.txt")):
        yield article_from_file(str(path), path.read_bytes(), "text")


def test_fast_and_reference_agree_on_the_fixtures():
    checked = removals = 0
    for article in articles(FIXTURES):
        fast = outcome(FAST, article)
        assert fast == outcome(REFERENCE, article), article.id
        checked += 1
        removals += len(fast[3]) if isinstance(fast, tuple) else 0
    assert checked > 20
    assert removals > 20   # the ledger was compared, not two empty tuples


CORPUS_ARTICLES: list = []   # filled before the pool forks, so workers read it without pickling


def differing_in(part: int, parts: int) -> list[str]:
    return [f"{article.source}:{article.line or ''} {article.id}" for article in CORPUS_ARTICLES[part::parts]
            if outcome(FAST, article) != outcome(REFERENCE, article)]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_fast_and_reference_agree_on_every_document_of_the_corpus():
    CORPUS_ARTICLES[:] = articles(CORPUS)
    assert len(CORPUS_ARTICLES) > 8000
    # The reference runs ftfy on every text and every rule on the whole text: one process per core.
    parts = os.cpu_count() or 1
    with ProcessPoolExecutor(parts, mp_context=multiprocessing.get_context("fork")) as pool:
        differing = [name for found in pool.map(differing_in, range(parts), [parts] * parts) for name in found]
    assert differing == [], json.dumps(differing[:20], indent=1)
