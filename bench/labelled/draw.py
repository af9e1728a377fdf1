#!/usr/bin/env python
"""Draw the labelled sample's articles: reproducible, stratified by corpus.

Usage: python bench/labelled/draw.py [--corpus DIR] [--out PATH] [--seed N] [--total N]

Allocation: every corpus gets at least MIN_PER_CORPUS articles; the rest of --total is shared in proportion
to corpus size (largest remainder). Within a corpus the articles are a uniform random sample (random.Random
seeded with --seed + the corpus name, so changing one corpus never changes another's draw), skipping
records whose text is empty or whitespace only. The output holds one JSON object per article with the fields
the labeller needs (id, corpus, source, url, title, raw_text); labels are added later.

horne2017_fakenewsdata1 is a tree of .txt bodies plus matching *_titles/ files; bodies are decoded with the
pipeline's own reader (UTF-8, bytes that are not read as Windows-1252), its id is DATASET/LABEL/STEM.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from pipeline.core.readers.decoding import decode_bytes

CORPORA = ["allsides_abp", "fakenewscorpus_sample", "fakenewsnet_v1", "rss_pull_2026", "horne2017_fakenewsdata1"]
MIN_PER_CORPUS = 12


def load_jsonl(path: Path, corpus: str) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            r = json.loads(line)
            records.append({"id": str(r.get("id") or f"{path.name}:{n}"), "corpus": corpus,
                            "source": r.get("source") or "", "url": r.get("url") or "",
                            "title": r.get("title") or "", "raw_text": r.get("text") or ""})
    return records


def load_horne(root: Path) -> list[dict]:
    records = []
    for body in sorted(root.glob("Public Data/*/*/*.txt")):
        label_dir = body.parent
        if label_dir.name.endswith("_titles"):
            continue
        dataset = "Buzzfeed" if label_dir.parent.name.startswith("Buzzfeed") else "Random"
        title_file = label_dir.parent / f"{label_dir.name}_titles" / body.name
        title = decode_bytes(title_file.read_bytes()).strip() if title_file.exists() else ""
        records.append({"id": f"{dataset}/{label_dir.name}/{body.stem}", "corpus": "horne2017_fakenewsdata1",
                        "source": "", "url": "", "title": title, "raw_text": decode_bytes(body.read_bytes())})
    return records


def allocate(sizes: dict[str, int], total: int, minimum: int) -> dict[str, int]:
    alloc = {c: min(minimum, n) for c, n in sizes.items()}
    rest = total - sum(alloc.values())
    whole = sum(sizes.values())
    shares = {c: rest * n / whole for c, n in sizes.items()}
    for c in sizes:
        alloc[c] += int(shares[c])
    left = total - sum(alloc.values())
    for c in sorted(sizes, key=lambda c: shares[c] - int(shares[c]), reverse=True)[:left]:
        alloc[c] += 1
    return {c: min(alloc[c], sizes[c]) for c in sizes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--out", default="drawn.jsonl")
    ap.add_argument("--seed", type=int, default=20260612)
    ap.add_argument("--total", type=int, default=100)
    args = ap.parse_args()
    root = Path(args.corpus)
    pools = {}
    for c in CORPORA:
        recs = load_horne(root / c) if c.startswith("horne") else load_jsonl(root / c / "articles.jsonl", c)
        pools[c] = [r for r in recs if r["raw_text"].strip()]
    alloc = allocate({c: len(p) for c, p in pools.items()}, args.total, MIN_PER_CORPUS)
    with open(args.out, "w", encoding="utf-8") as out:
        for c in CORPORA:
            rng = random.Random(f"{args.seed}:{c}")
            for r in rng.sample(pools[c], alloc[c]):
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
            print(f"{c:26} pool {len(pools[c]):5}  drawn {alloc[c]}")


if __name__ == "__main__":
    main()
