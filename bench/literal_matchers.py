"""Which multi-literal matcher finds the rules' literals fastest: the choice behind pipeline/core/rules/literals.py.

    python bench/literal_matchers.py --corpus ../shared/corpus [--rounds 3]

Takes the folded literals the bundled rules are searched by (the larger of the two automata the engine
builds), lower-cases every scraped article once, then finds every occurrence of every literal in each text,
overlapping, as ``LiteralIndex.find`` needs them. Rounds are interleaved in one process and the best of each
is printed, with the number of hits each found (they must agree). Needs the bench extra (pyahocorasick).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCES = ["allsides_abp", "rss_pull_2026", "fakenewsnet_v1", "fakenewscorpus_sample"]


def matchers(literals: list[str]) -> dict[str, Callable[[str], int]]:
    """Each matcher, built once, as a function from a text to its number of (overlapping) hits."""
    import ahocorasick
    import ahocorasick_rs

    found: dict[str, Callable[[str], int]] = {}
    for label, implementation in (("ahocorasick_rs default (NFA)", None),
                                  ("ahocorasick_rs ContiguousNFA", ahocorasick_rs.Implementation.ContiguousNFA),
                                  ("ahocorasick_rs DFA", ahocorasick_rs.Implementation.DFA)):
        automaton = ahocorasick_rs.AhoCorasick(literals, implementation=implementation)

        def count(text: str, automaton: ahocorasick_rs.AhoCorasick = automaton) -> int:
            return len(automaton.find_matches_as_indexes(text, overlapping=True))

        found[label] = count
    python_automaton = ahocorasick.Automaton()
    for number, literal in enumerate(literals):
        python_automaton.add_word(literal, number)
    python_automaton.make_automaton()
    found["pyahocorasick iter"] = lambda text: sum(1 for _ in python_automaton.iter(text))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus folder (../shared/corpus)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from pipeline.core.rules import RuleSet, parse_rules
    rules = RuleSet(parse_rules((str(path), path.read_bytes()) for path in sorted((ROOT / "rules").glob("*.toml"))))
    literals = sorted({literal for derived in rules.searched if derived and derived.folded
                       for literal in derived.literals})
    texts = [json.loads(line)["text"].lower() for source in SOURCES
             for line in (args.corpus / source / "articles.jsonl").open(encoding="utf-8")]
    print(f"{len(literals)} folded literals, {len(texts)} texts, {sum(map(len, texts)) / 1e6:.1f} M characters; "
          f"load {Path('/proc/loadavg').read_text().split()[0]}")
    found = matchers(literals)
    seconds: dict[str, list[float]] = {name: [] for name in found}
    hits: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, count in found.items():
            start = time.perf_counter()
            hits[name] = sum(count(text) for text in texts)
            seconds[name].append(time.perf_counter() - start)
    for name in found:
        print(f"{name:<32}{min(seconds[name]):>8.3f} s  hits {hits[name]:,}")
    if len(set(hits.values())) != 1:
        raise SystemExit("the matchers disagree on the hits")


if __name__ == "__main__":
    main()
