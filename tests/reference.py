"""The reference the fast paths must equal: the plain meaning of each step, with no shortcut.

ftfy on every text; each rule on its own, in order, on the whole text (no line
gate, no ``requires``), as :meth:`CompiledRule.apply_whole` defines it; a block
rule with every line judged first and its runs taken from that (production
judges lines only until a run ends); language identification by py3langid itself, loaded and
run as it ships. Used only by the equivalence tests and bench/language_speed.py; production code
never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline.core.budget import Budget
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.ledger import Cut, Ledger
from pipeline.core.normalize import fix_unicode, normalize_spaces, tidy_layout
from pipeline.core.records import Article
from pipeline.core.rules.compiled import CompiledRule
from pipeline.core.rules.engine import STEP
from pipeline.core.rules.schema import Rule
from pipeline.core.steps import STEPS
from pipeline.core.steps.apply_rules import ApplyRules
from pipeline.core.steps.normalize_text import NormalizeText


class ReferenceNormalize(NormalizeText):
    def normalize(self, text: str, budget: Budget) -> str:  # noqa: ARG002 (the reference has no time limit)
        return tidy_layout(normalize_spaces(fix_unicode(text, self.fixer.config)))


def remove_blocks(rule: CompiledRule, text: str, budget: Budget, cuts: list[Cut] | None = None) -> tuple[str, int]:
    """A block rule's meaning, plainly: judge every line, then take the runs its position allows.

    With ``cuts``, each block is one cut from its first line's start to its last line's end, replaced by what
    is left of that span once the block's lines are emptied.
    """
    block = rule.block
    assert block is not None
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    fits = [rule.fits_block(lines[i], budget) for i in filled]
    runs: list[list[int]] = []
    if block.position == "start":
        runs = [filled[:fits.index(False) if False in fits else len(fits)]]
    elif block.position == "end":
        runs = [filled[len(fits) - (fits[::-1].index(False) if False in fits else len(fits)):]]
    elif block.position == "anywhere":
        run: list[int] = []
        for i, fit in zip(filled, fits, strict=True):
            if fit:
                run.append(i)
            else:
                runs.append(run)
                run = []
        runs.append(run)
    else:
        k = 0
        while k < len(filled):
            n = 0
            if rule.is_label(lines[filled[k]], budget):
                while k + 1 + n < len(filled) and fits[k + 1 + n]:
                    n += 1
            if n >= block.min_lines:
                runs.append(filled[k:k + 1 + n])
                k += 1 + n
            else:
                k += 1
    blocks = [run for run in runs if len(run) - (block.position == "after-label") >= block.min_lines]
    original = list(lines)
    for run in blocks:
        for i in run:
            lines[i] = ""
        if cuts is not None:
            start = sum(len(line) + 1 for line in original[:run[0]])
            span = "\n".join(original[run[0]:run[-1] + 1])
            cuts.append((rule.name, start, start + len(span), "\n".join(lines[run[0]:run[-1] + 1])))
    return "\n".join(lines), len(blocks)


def apply_rules_one_by_one(rules: Sequence[CompiledRule], text: str, url: str | None, source: str,
                           budget: Budget, ledger: Ledger | None = None) -> tuple[str, dict[str, int]]:
    hits = {}
    for rule in rules:
        if rule.applies_to(url, source, budget):
            cuts: list[Cut] = []
            if rule.block:
                text, count = remove_blocks(rule, text, budget, cuts if ledger else None)
            else:
                text, count = rule.apply_whole(text, budget, cuts if ledger else None)
            if count:
                hits[rule.name] = count
            if ledger and cuts:
                ledger.removed(STEP, cuts)
    return text, hits


class ReferenceRules(ApplyRules):
    def run_rules(self, body: str, article: Article, budget: Budget,
                  ledger: Ledger | None) -> tuple[str, dict[str, int]]:
        return apply_rules_one_by_one(self.rules.rules, body, article.url, article.source, budget, ledger)


_SWAPS = {NormalizeText: ReferenceNormalize, ApplyRules: ReferenceRules}


def reference_cleaner(rules: Sequence[Rule], options: CleanOptions = CleanOptions()) -> Cleaner:
    """The production steps, with normalisation and rules swapped for their references."""
    return Cleaner(rules, options, steps=[_SWAPS.get(step, step) for step in STEPS])


def reference_identifier() -> LanguageIdentifier:
    """py3langid's identifier as py3langid loads it: its float16 table, its walk of one byte at a time (and its
    loader's temporary file, fine here, not on a worker)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
