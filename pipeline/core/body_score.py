"""Score article bodies the article-extraction benchmark's way (its README in ../shared describes it).

Tokens are ``\\w+`` runs; shingles are token 4-grams counted with multiplicity (a text of one to
three tokens is one shorter shingle). Per page, tp are the shared shingles, fp the predicted ones
not in the truth, fn the true ones not predicted; precision is the mean over pages of
tp/(tp+fp), recall the mean of tp/(tp+fn) (a page where both are empty scores 1; a page with no
output has no precision and recall 0); F1 is 2PR/(P+R) of the means; accuracy is the share of
pages whose token lists are identical.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
_SHINGLE = 4


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(words: list[str]) -> Counter:
    """Token 4-grams with multiplicity.

    >>> sorted(shingles(["a", "b", "c", "d", "e"]))
    [('a', 'b', 'c', 'd'), ('b', 'c', 'd', 'e')]
    >>> shingles(["a", "b"])
    Counter({('a', 'b'): 1})
    """
    if not words:
        return Counter()
    return Counter(tuple(words[i:i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1)))


@dataclass(frozen=True)
class PageScore:
    id: str
    tp: int
    fp: int
    fn: int
    precision: float | None   # None: no output, so no precision
    recall: float
    exact: bool

    @property
    def f1(self) -> float:
        precision = self.precision or 0.0
        return 2 * precision * self.recall / (precision + self.recall) if precision + self.recall else 0.0


def score_page(page_id: str, truth: str, predicted: str | None) -> PageScore:
    true_tokens, predicted_tokens = tokens(truth), tokens(predicted)
    true_shingles, predicted_shingles = shingles(true_tokens), shingles(predicted_tokens)
    tp = sum((true_shingles & predicted_shingles).values())
    fp = sum((predicted_shingles - true_shingles).values())
    fn = sum((true_shingles - predicted_shingles).values())
    precision: float | None
    if tp + fp + fn == 0:
        precision, recall = 1.0, 1.0
    else:
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else 1.0
    return PageScore(page_id, tp, fp, fn, precision, recall, true_tokens == predicted_tokens)


def unmatched_runs(text: str | None, other: str | None, limit: int = 3, width: int = 160) -> list[str]:
    """Up to ``limit`` runs of ``text``'s tokens whose shingles ``other`` lacks: what is extra, or missing.

    >>> unmatched_runs("Share this story now. The storm hit the coast hard.", "The storm hit the coast hard.")
    ['Share this story now The storm hit']
    """
    words, present = tokens(text), shingles(tokens(other))
    marked = [False] * len(words)
    for i in range(max(1, len(words) - _SHINGLE + 1)):
        if words and tuple(words[i:i + _SHINGLE]) not in present:
            for j in range(i, min(i + _SHINGLE, len(words))):
                marked[j] = True
    runs, current = [], []
    for word, extra in zip(words, marked, strict=True):
        if extra:
            current.append(word)
        elif current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return [run[:width] for run in runs[:limit]]


def score_bodies(predictions: Mapping[str, str], truth: Mapping[str, Mapping], worst: int = 10) -> dict:
    """Precision, recall, F1 and accuracy over every page of ``truth`` ({id: {"articleBody": ...}}).

    A page missing from ``predictions`` (rejected, or not in the input) counts as no output.
    """
    pages = [score_page(page_id, entry.get("articleBody") or "", predictions.get(page_id))
             for page_id, entry in sorted(truth.items())]
    precisions = [page.precision for page in pages if page.precision is not None]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(page.recall for page in pages) if pages else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    report: dict = {
        "pages": len(pages), "no_output": sum(page.id not in predictions for page in pages),
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "accuracy": round(statistics.mean(page.exact for page in pages), 4) if pages else 0.0,
        "worst": [],
    }
    for page in sorted(pages, key=lambda p: (p.f1, p.id))[:worst]:
        body, predicted = truth[page.id].get("articleBody") or "", predictions.get(page.id)
        report["worst"].append({
            "id": page.id, "f1": round(page.f1, 4), "precision": page.precision and round(page.precision, 4),
            "recall": round(page.recall, 4), "extra": unmatched_runs(predicted, body),
            "missing": unmatched_runs(body, predicted), "no_output": predicted is None,
        })
    return report


def format_body_report(report: dict) -> str:
    lines = [f"pages: {report['pages']} ({report['no_output']} without output)",
             f"precision {report['precision']:.4f}  recall {report['recall']:.4f}  F1 {report['f1']:.4f}  "
             f"accuracy {report['accuracy']:.4f}",
             "worst pages (extra: in the output, not the truth; missing: the other way):"]
    for page in report["worst"]:
        lines.append(f"  {page['id']}  F1 {page['f1']:.3f}  P {page['precision']}  R {page['recall']:.3f}"
                     + ("  (no output)" if page["no_output"] else ""))
        lines += [f"    extra:   {run}" for run in page["extra"]]
        lines += [f"    missing: {run}" for run in page["missing"]]
    return "\n".join(lines)
