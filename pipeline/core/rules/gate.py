"""The line gate: which line rules can match a line, judged from its first characters."""

from __future__ import annotations

from collections.abc import Sequence

import regex

from pipeline.core.rules.compiled import CompiledRule, compile_pattern

# A line gate judges a line by up to this many first characters; rules still possible after
# that are tried on the line.
_GATE_CHARS = 8
_SCREEN_CHARS = 3
# Bounded, so a stream of novel prefixes cannot grow it without end.
_GATE_VERDICTS = 100_000
# The verdict on a prefix not judged yet: not empty, so not settled.
_UNSEEN: tuple[int, ...] = (-1,)
# Text that only a rule able to start with anything can begin with ('[^\n]{0,80}views...').
_ANY_START_PROBES = ("\x00", "A\x00", "a\x00", "1\x00")
# Inline WORD or REVERSE flags and fuzzy matching change what a prefix says about a line: such
# rules are tried on every line.
_OUTSIDE_GATE = regex.compile(r"\(\?[a-zA-Z]*[wr]|\{[^}]*[eids][<=]")


class LineGate:
    """Which line rules can match a line, judged from the line's first characters.

    A line rule must match a whole line, so a rule that no line starting with
    this line's first characters can match will not match this line. The
    ``regex`` module's partial matching answers "could some continuation of
    this prefix match in full?", asked of a *gate pattern*: the rule's pattern
    without its word-boundary assertions (\\b, \\B, \\m, \\M). A gate pattern
    matches more lines than its rule, never fewer, and without those
    assertions partial matching is sound (with them, regex 2026.11 wrongly
    answers no for 'Posted on July 29,' against
    ``posted[ ]+on[ ]+[^\\n]{0,150}?\\b(?:19|20)\\d\\d``).

    Verdicts are cached per prefix, and prefixes grow a character at a time,
    so they recur from line to line: most paragraphs lose every rule within
    their first few characters ("The president" at "The pr"), and a line whose
    first eight characters were seen before costs one dictionary lookup.
    Rules that can start with any text are tried on every line; their
    ``requires`` literals keep that cheap.
    """

    def __init__(self, rules: Sequence[CompiledRule]):
        self.rules = list(rules)
        gates = [_gate_pattern(rule) for rule in self.rules]
        self._gates = gates
        self.any_start = tuple(i for i, gate in enumerate(gates)
                               if gate is None or any(_could_start(gate, probe) for probe in _ANY_START_PROBES))
        self.by_prefix = tuple(i for i in range(len(self.rules)) if i not in self.any_start)
        self._verdicts: dict[str, tuple[int, ...]] = {}   # per prefix, grown a character at a time
        self._by_key: dict[str, tuple[int, ...]] = {}     # per first _GATE_CHARS characters

    def candidates(self, line: str) -> tuple[int, ...]:
        """Indices, in rule order, of the rules judged by prefix that may match ``line``.

        Never leaves out a rule that matches; rules in ``any_start`` are not judged here.
        """
        key = line[:_GATE_CHARS]
        alive = self._by_key.get(key)
        if alive is not None:
            return alive
        alive, verdicts, depth = self.by_prefix, self._verdicts, 0
        # One character at a time: short prefixes recur from line to line, and so their verdicts.
        while alive and depth < len(key):
            depth += 1
            verdict = verdicts.get(key[:depth])
            alive = self._narrow(alive, key[:depth]) if verdict is None else verdict
        if len(self._by_key) < _GATE_VERDICTS:
            self._by_key[key] = alive
            if not alive and depth < _SCREEN_CHARS:
                # Dead before the third character: the next line starting with these three is settled
                # by screen's first lookup.
                verdicts[key[:_SCREEN_CHARS]] = ()
        return alive

    def screen(self, lines: Sequence[str]) -> dict[int, tuple[int, ...]]:
        """The :meth:`candidates` of each line that has some, by line index."""
        found, by_prefix, candidates = {}, self._verdicts, self.candidates
        for index, line in enumerate(lines):
            # Most lines lose every rule within their first three characters: one lookup settles them.
            if line and by_prefix.get(line[:_SCREEN_CHARS], _UNSEEN):
                alive = candidates(line)
                if alive:
                    found[index] = alive
        return found

    def _narrow(self, alive: tuple[int, ...], prefix: str) -> tuple[int, ...]:
        verdict = tuple(i for i in alive if _could_start(self._gates[i], prefix))
        if len(self._verdicts) < _GATE_VERDICTS:
            self._verdicts[prefix] = verdict
        return verdict


def _could_start(gate: regex.Pattern, prefix: str) -> bool:
    # No timeout (it costs more than the match): a prefix of at most _GATE_CHARS characters
    # leaves even a badly backtracking pattern little to try.
    return gate.fullmatch(prefix, partial=True) is not None


def _gate_pattern(rule: CompiledRule) -> regex.Pattern | None:
    """The rule's pattern without \\b, \\B, \\m and \\M outside character classes; None when unusable."""
    source = rule.rule.pattern
    if _OUTSIDE_GATE.search(source):
        return None
    verbose = bool(rule.pattern.flags & regex.VERBOSE)
    kept, index, class_start = [], 0, None
    while index < len(source):
        char = source[index]
        if verbose and class_start is None and char == "#":   # a comment runs to the end of its line
            end = source.find("\n", index)
            end = len(source) if end < 0 else end
            kept.append(source[index:end])
            index = end
            continue
        if char == "\\":
            pair = source[index:index + 2]
            if class_start is None and pair[1:] in ("b", "B", "m", "M"):
                kept.append("(?:)")   # keeps a following quantifier attached to something
            else:
                kept.append(pair)
            index += 2
            continue
        if class_start is None and char == "[":
            class_start = index + 1 + (source[index + 1:index + 2] == "^")
        elif class_start is not None and char == "]" and index > class_start:
            class_start = None
        kept.append(char)
        index += 1
    try:
        return compile_pattern("".join(kept), rule.pattern.flags)
    except regex.error:
        return None
