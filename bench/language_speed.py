"""pipeline.core.language's identifier against py3langid's own, on every corpus text: the same answers, and the speed.

    python bench/language_speed.py --corpus ../shared/corpus [--out bench/language_speed.json] [--rounds 3]

The reference is py3langid 0.4.0 exactly as it ships (tests/reference.py: ``LanguageIdentifier.from_model_file``,
its loader, its float16 table, its byte-by-byte walk). The fast one is ``pipeline.core.language.identifier()``. Texts:

  scraped     every distinct article of the scraped JSONL corpora (``*/articles.jsonl``; bench/language_id.py)
  bbc         every file of ``bbc_fulltext/bbc/*/*.txt`` as bytes, its headline line included
  html_gold   the gold bodies of the HTML extraction benchmark
  scripts     the seven-script fixtures

Each text is compared twice: on the start that pipeline.core.language.identify reads (IDENTIFIED_CHARS characters)
and whole. ``classify`` must give the same language and score, ``rank`` the same languages in the same order
with the same scores (float tolerance 1e-6; exact equality is counted too). Speed: ``classify`` over the starts
of the scraped texts, reference and fast taking turns, best of ``--rounds``, in this one process. Exits 1 on
any mismatch.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchmark import _interleaved  # noqa: E402
from language_id import html_gold, scraped, scripts  # noqa: E402
from py3langid.langid import LanguageIdentifier  # noqa: E402

from pipeline.core.language import IDENTIFIED_CHARS, identifier  # noqa: E402
from tests.reference import reference_identifier  # noqa: E402

TOLERANCE = 1e-6


def bbc(corpus: Path) -> list[bytes]:
    """The files' bytes: a few are Latin-1, not UTF-8 (``\\xa3`` for the pound), so py3langid reads their raw
    bytes; the start cut at IDENTIFIED_CHARS bytes also ends some mid-character."""
    return [path.read_bytes() for path in sorted((corpus / "bbc_fulltext" / "bbc").glob("*/*.txt"))]


def differences(reference: LanguageIdentifier, fast: LanguageIdentifier, text: str | bytes) -> dict[str, bool]:
    """Which of the two answers differ for ``text`` (beyond TOLERANCE), and whether both are bit for bit equal."""
    ref_language, ref_score = reference.classify(text)
    language, score = fast.classify(text)
    ref_rank, rank = reference.rank(text), fast.rank(text)
    return {
        "classify": language != ref_language or not math.isclose(score, ref_score, rel_tol=TOLERANCE),
        "rank": [code for code, _ in rank] != [code for code, _ in ref_rank]
        or any(not math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-12)
               for (_, a), (_, b) in zip(rank, ref_rank, strict=True)),
        "exact": (language, score) == (ref_language, ref_score) and rank == ref_rank,
    }


def compare(reference: LanguageIdentifier, fast: LanguageIdentifier, sets: dict[str, list]) -> dict:
    """Per set and cut: texts, classify and rank mismatches, bit-for-bit equal answers; the mismatches' starts."""
    report: dict = {}
    for name, texts in sets.items():
        for cut, sample in (("start", lambda text: text[:IDENTIFIED_CHARS]), ("whole", lambda text: text)):
            counts = {"texts": len(texts), "classify_mismatches": 0, "rank_mismatches": 0, "exact": 0}
            shown: list[str] = []
            for text in texts:
                found = differences(reference, fast, sample(text))
                counts["classify_mismatches"] += found["classify"]
                counts["rank_mismatches"] += found["rank"]
                counts["exact"] += found["exact"]
                if (found["classify"] or found["rank"]) and len(shown) < 10:
                    shown.append(text[:80])
            report[f"{name}_{cut}"] = {**counts, "mismatched": shown}
    return report


def speed(reference: LanguageIdentifier, fast: LanguageIdentifier, texts: list[str], rounds: int) -> dict:
    """Seconds of ``classify`` over the texts' starts, the two taking turns; best of ``rounds``."""
    starts = [text[:IDENTIFIED_CHARS] for text in texts]

    def classify_all(model: LanguageIdentifier) -> Callable[[], None]:
        def loop() -> None:
            for text in starts:
                model.classify(text)
        return loop
    times = _interleaved({"py3langid": classify_all(reference), "fast": classify_all(fast)}, rounds)
    best = {name: min(values) for name, values in times.items()}
    return {"texts": len(starts), "seconds": {name: [round(v, 3) for v in values] for name, values in times.items()},
            "py3langid_over_fast": round(best["py3langid"] / best["fast"], 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus folder (../shared/corpus)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "language_speed.json")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sets: dict[str, list] = {"scraped": [text for _, text, _ in scraped(args.corpus)], "bbc": bbc(args.corpus),
            "html_gold": [text for _, text, _ in html_gold(args.corpus)],
            "scripts": [text for _, text, _ in scripts()]}
    began = time.perf_counter()
    reference = reference_identifier()
    loads = {"py3langid": time.perf_counter() - began}
    began = time.perf_counter()
    fast = identifier()
    loads["fast"] = time.perf_counter() - began
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    speeds = speed(reference, fast, sets["scraped"], args.rounds)
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    equality = compare(reference, fast, sets)
    report = {"speed_scraped_starts": speeds, "load_average_before_after": [load_before, load_after],
              "load_seconds": {name: round(value, 2) for name, value in loads.items()}, "equality": equality}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    mismatches = sum(row["classify_mismatches"] + row["rank_mismatches"] for row in equality.values())
    print(f"mismatches: {mismatches}", file=sys.stderr)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
