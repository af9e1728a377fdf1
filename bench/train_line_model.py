#!/usr/bin/env python
"""Train the line model (pipeline/core/line_model.py) and choose its threshold; write pipeline/core/line_model.json.

Usage:
    python bench/train_line_model.py [--train bench/labelled/sample.jsonl] [--holdout bench/labelled/holdout.jsonl]
                                     [--guard GLOB]... [--content_kept 0.9995] [--l2 1.0] [--write]

Training rows are the content and cruft lines of --train, each seen twice: in the normalised text as labelled
(where the page's furniture is still around it) and in the text the job's cleaner leaves with the line model
off (where the rules have taken most of it away, so the last line of a story is often the last line of the
text). The model acts on the second kind; the first gives it the furniture the rules already catch to learn from.
Ambiguous and mixed lines are context, never rows.

The threshold is the lowest score at which, on --holdout cleaned the same way, the model would remove lines
holding at most (1 - --content_kept) of the hold-out's content words (mixed lines count as content), on
articles identified as English, as the step runs. Each --guard (text known to be clean, such as the BBC
articles) then raises it above the highest score any of its lines gets, so the model removes nothing there.
Without --write the model and its figures are printed only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from content_guard import articles

from pipeline.beam.rule_files import bundled_rules_dir, load_rules
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.line_model import FEATURES, MODEL_FILE, LineModel, line_features, removable
from pipeline.core.normalize import NormalizeOptions, UnicodeFixer, normalize
from pipeline.core.records import Article, Rejected
from pipeline.core.steps.line_model import HELD_BACK_SHARE, MODEL_LANGUAGE

HERE = Path(__file__).resolve().parent
CRUFT, CONTENT = "cruft", "content"


@dataclass
class View:
    """The non-empty lines of one text, and the label of each where it is known."""

    lines: list[str]
    labels: list[str | None]
    english: bool = True


def _key(line: str) -> str:
    return " ".join(line.split())


FIXER = UnicodeFixer(NormalizeOptions())


def views(record: dict, cleaner: Cleaner) -> tuple[View, View | None]:
    """The labelled text as labelled, and as the cleaner leaves it (None when the cleaner rejects it)."""
    labelled = {row["n"]: row["label"] for row in record["lines"]}
    normalised = [(n, line) for n, line in enumerate(normalize(record["raw_text"], FIXER).split("\n")) if line.strip()]
    raw = View([line for _, line in normalised], [labelled.get(n) for n, _ in normalised])
    article = Article(id=record["id"], text=record["raw_text"], source=record.get("source") or record["corpus"],
                      url=record.get("url") or None, title=record.get("title") or None)
    try:
        out = cleaner.clean(article)
    except Rejected:
        return raw, None
    lines = [line for line in out.text.split("\n") if line.strip()]
    # Each clean line takes the label of the next labelled line with the same words; a line a rule cut short
    # has none and is context only.
    labels: list[str | None] = []
    at = 0
    keys = [_key(line) for line in raw.lines]
    for line in lines:
        key = _key(line)
        found = next((i for i in range(at, len(keys)) if keys[i] == key), None)
        if found is None:
            labels.append(None)
            continue
        labels.append(raw.labels[found])
        at = found + 1
    return raw, View(lines, labels, out.metadata.get("language") == MODEL_LANGUAGE)


def rows(all_views: list[View]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for view in all_views:
        for vector, label in zip(line_features(view.lines), view.labels, strict=True):
            if label in (CRUFT, CONTENT):
                xs.append(vector)
                ys.append(label == CRUFT)
    return np.array(xs, dtype=float), np.array(ys, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> LineModel:
    """L2-regularised logistic regression by Newton's method on standardised features."""
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    z = (x - means) / scales
    design = np.hstack([np.ones((len(z), 1)), z])
    beta = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[0, 0] = 0.0   # the bias is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (p - y) + penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return LineModel(tuple(float(w) for w in beta[1:]), float(beta[0]), tuple(float(m) for m in means),
                     tuple(float(s) for s in scales), 0.5)


def with_threshold(model: LineModel, threshold: float) -> LineModel:
    return LineModel(model.weights, model.bias, model.means, model.scales, threshold)


def content_lost(scored: list[tuple[View, list[float]]], threshold: float) -> int:
    """Content words (mixed lines count whole) the step would remove from the scored views at ``threshold``."""
    lost = 0
    for view, scores in scored:
        chosen = [i for i, score in enumerate(scores) if score >= threshold and removable(view.lines[i])]
        words = [len(line.split()) for line in view.lines]
        if sum(words[i] for i in chosen) > HELD_BACK_SHARE * sum(words):
            continue   # the step holds back on such a document
        lost += sum(words[i] for i in chosen if view.labels[i] in (CONTENT, "mixed"))
    return lost


def lowest_safe_threshold(scored: list[tuple[View, list[float]]], allowed: int) -> float:
    """Going down from the highest score, the last threshold before more than ``allowed`` content words go."""
    threshold = 1.0
    for candidate in sorted({score for _, scores in scored for score in scores}, reverse=True):
        if content_lost(scored, candidate) > allowed:
            break
        threshold = candidate
    return threshold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default=str(HERE / "labelled" / "sample.jsonl"))
    ap.add_argument("--holdout", default=str(HERE / "labelled" / "holdout.jsonl"))
    ap.add_argument("--guard", action="append", default=[], metavar="GLOB",
                    help="clean text (any format the job reads): the threshold goes above every line's score")
    ap.add_argument("--content_kept", type=float, default=0.9995)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--write", action="store_true", help=f"write pipeline/core/{MODEL_FILE}")
    args = ap.parse_args(argv)

    cleaner = Cleaner(load_rules([bundled_rules_dir()]), CleanOptions(line_model=False))
    train = [json.loads(line) for line in Path(args.train).read_text(encoding="utf-8").splitlines()]
    holdout = [json.loads(line) for line in Path(args.holdout).read_text(encoding="utf-8").splitlines()]
    train_views = [view for record in train for view in views(record, cleaner) if view is not None]
    x, y = rows(train_views)
    model = fit(x, y, args.l2)
    print(f"trained on {len(y)} lines of {args.train} ({int(y.sum())} cruft), both views")
    for name, weight in sorted(zip(FEATURES, model.weights, strict=True), key=lambda item: -abs(item[1])):
        print(f"  {name:20} {weight:+.3f}")

    cleaned = [view for record in holdout if (view := views(record, cleaner)[1]) is not None]
    content_words = sum(len(line.split()) for record in holdout for row in record["lines"]
                        if row["label"] in (CONTENT, "mixed") for line in [row["text"]])
    allowed = int((1 - args.content_kept) * content_words)
    scored = [(view, model.scores(view.lines)) for view in cleaned if view.english]
    threshold = lowest_safe_threshold(scored, allowed)
    print(f"hold-out: {content_words} content words, at most {allowed} may go; threshold {threshold:.4f} "
          f"loses {content_lost(scored, threshold)}")
    guard_max = 0.0
    for pattern in args.guard:
        for article in articles([pattern]):
            try:
                out = cleaner.clean(article)
            except Rejected:
                continue
            if out.metadata.get("language") != MODEL_LANGUAGE:
                continue
            lines = [line for line in out.text.split("\n") if line.strip()]
            for line, score in zip(lines, model.scores(lines), strict=True):
                if score > guard_max and removable(line):
                    guard_max = score
                    print(f"  guard {article.id}: {score:.4f} {line[:100]!r}")
    if guard_max >= threshold:
        # Just above the guard's highest line, so none of them goes.
        threshold = guard_max + 1e-6
        print(f"raised above the guard's highest line score {guard_max:.4f}: threshold {threshold:.4f}")
    if threshold >= 1.0:
        print("no threshold keeps the content: the model would remove nothing", file=sys.stderr)
        return 1
    model = with_threshold(model, round(threshold, 6))
    digest = hashlib.sha256(Path(args.train).read_bytes()).hexdigest()[:16]
    document = {"trained_by": "bench/train_line_model.py", "train": Path(args.train).name, "train_sha256": digest,
                "holdout": Path(args.holdout).name, "content_kept": args.content_kept, "l2": args.l2,
                "guard": args.guard, "guard_max_score": round(guard_max, 6), "model": model.to_dict()}
    if args.write:
        target = Path(__file__).resolve().parents[1] / "pipeline" / "core" / MODEL_FILE
        target.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {target}")
    else:
        print(json.dumps(document)[:400])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
