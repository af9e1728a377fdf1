"""The literals a rule's matches must hold, derived from its pattern, and all of them found in a text at once.

What RE2's prefilter and Hyperscan do for their engines, done for the ``regex``
module's: from the parse of a pattern, a set of strings one of which every
match contains (``^[^\\n]{0,200}?\\b(?:comments?|discuss)\\b`` gives
``{'comment', 'discuss'}``). A rule whose literals a text does not hold cannot
match it, and a line rule cannot match a line that holds none: the engine tries
rules only there. Every literal of every rule is found in one pass over the text
by an Aho-Corasick automaton (``ahocorasick_rs``; BENCHMARKS.md has why).

Derivation is sound or absent: a construct it does not know (a property such as
``\\w``, a back-reference, fuzzy matching, full case folding) stands for "any
text" there, so the literals are at worst fewer and weaker, never wrong; a
pattern it cannot parse at all gets none, and its rule is tried everywhere.

Case: a pattern that ignores case anywhere is matched against the *folded* text
(:class:`Folding`), the literal folded the same way. A literal character whose
case variants (as ``regex`` matches them) do not all fold to one character stands
for "any character" instead.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick_rs
import regex
from regex import _regex, _regex_core

# At most this many strings are tracked as "exactly one of these" before they are
# reduced to "holds one of these" (RE2 uses 16).
_MAX_EXACT = 16
# More alternatives than this is not a filter worth its lookups.
_MAX_LITERALS = 64
# Literals lighter than this (see _weight) are in most paragraphs: worth looking for only for a rule that
# would otherwise be tried on every line.
STRONG = 3
_CASE_FLAGS = int(regex.IGNORECASE | regex.UNICODE)
# The most frequent English words: a literal found inside one of them is in nearly every paragraph
# ('the', 'hat' of 'that'), so it filters nothing and costs a lookup per occurrence.
_COMMON_WORDS = frozenset("""
the be to of and a in that have i it for not on with he as you do at this but his by from they we say her she
or an will my one all would there their what so up out if about who get which go me when make can like time no
just him know take people into year your good some could them see other than then now look only come its over
think also back after use two how our work first well way even new want because any these give day most us is
was are has had were been said more
""".split())


@dataclass(frozen=True)
class Derived:
    """A rule's literals: every match holds one of ``literals``, folded (see :class:`Folding`) when ``folded``."""

    literals: tuple[str, ...]
    folded: bool

    @property
    def strong(self) -> bool:
        """Whether the literals are rare enough to be worth looking for on their own (see :func:`_weight`)."""
        return min(map(_weight, self.literals)) >= STRONG


@dataclass(frozen=True)
class _Info:
    # exact: every string the node can match (when few); else any_of: strings one of which each match
    # holds, or None when nothing is known.
    exact: frozenset[str] | None = None
    any_of: frozenset[str] | None = None


_ANYTHING = _Info()
_EMPTY = _Info(exact=frozenset({""}))


class Folding:
    """Case folding for literal search that agrees with how ``regex`` ignores case.

    ``str.lower`` alone does not: ``regex`` lets ``I`` match the dotless ``ı``, which lower-cases to itself,
    and ``i`` match ``İ``, which lower-cases to two characters. Each such variant is mapped first to the
    one-character lower case its class shares (never an ASCII character: ASCII text is only lower-cased).
    A character whose variants still disagree is *unsafe*: in a literal it stands for any character.
    Built once per process from the case classes of the Basic Multilingual Plane (25 ms); a character
    beyond it is unsafe.
    """

    def __init__(self) -> None:
        classes: dict[str, set[str]] = {}
        for code in range(0x10000):
            if 0xD800 <= code < 0xE000:
                continue
            variants = _regex.get_all_cases(_CASE_FLAGS, code)
            if len(variants) > 1 or chr(code).lower() != chr(code):
                classes[chr(code)] = {chr(other) for other in variants if other is not None} | {chr(code)}
        mapping: dict[str, str] = {}
        for variants in classes.values():
            targets = [variant.lower() for variant in variants if len(variant.lower()) == 1]
            if not targets:
                continue
            target = min(targets)
            for variant in variants:
                if variant.lower() != target and not variant.isascii():
                    mapping.setdefault(variant, target)
        self._mapping = mapping
        self._classes = classes
        self.safe = frozenset(char for char, variants in classes.items()
                              if len({self._fold_all(variant) for variant in variants}) == 1
                              and len(self._fold_all(char)) == 1)

    def _fold_all(self, text: str) -> str:
        return "".join(self._mapping.get(char, char) for char in text).lower()

    def odd_variants(self, folded: Iterable[str]) -> tuple[tuple[str, str], ...]:
        """(variant, folded form) for each character that folds to one of ``folded`` (folded literals'
        characters) where lower-casing alone would not get it there."""
        wanted = set(folded)
        return tuple(sorted((variant, target) for variant, target in self._mapping.items() if target in wanted))

    def fold(self, text: str, odd: Sequence[tuple[str, str]]) -> str:
        """``text`` as literals made of the characters whose :meth:`odd_variants` are ``odd`` are searched in:
        the same line breaks, the variants of one case made one.

        >>> FOLDING.fold("İstanbul, ISTANBUL, ıstanbul", FOLDING.odd_variants("istanbul"))
        'istanbul, istanbul, istanbul'
        >>> FOLDING.fold("Line one\\nline two", ())
        'line one\\nline two'
        """
        if odd and not text.isascii():
            for variant, folded in odd:
                if variant in text:
                    text = text.replace(variant, folded)
        return text.lower()

    def literal(self, char: str) -> str | None:
        """``char`` folded, as a literal's character; None when it is unsafe (it stands for any character)."""
        if char in self.safe:
            return self._fold_all(char)
        if char in self._classes or char.lower() != char or len(_regex.get_all_cases(_CASE_FLAGS, ord(char))) > 1:
            return None
        return char   # no case at all: a digit, a mark, a Han character


FOLDING = Folding()


def parse(pattern: str, flags: int) -> object:
    """The ``regex`` module's own parse tree of ``pattern`` (internal, as its compiler builds it)."""
    global_flags = flags
    while True:
        source = _regex_core.Source(pattern)
        info = _regex_core.Info(global_flags, source.char_type, {})
        source.ignore_space = bool(info.flags & regex.VERBOSE)
        source.use_unicode_space(bool(info.flags & regex.VERSION1))
        try:
            return _regex_core._parse_pattern(source, info)
        except _regex_core._UnscopedFlagSet:
            global_flags = info.global_flags


# A job builds its rules more than once (checked at launch, then in each worker): the parse is done once.
@functools.cache
def derive(pattern: str, flags: int) -> Derived | None:
    """The literals one of which every match of ``pattern`` holds; None when none can be derived.

    >>> derive(r"^[^\\n]{0,200}?\\b(?:comments?|discuss)\\b[^\\n]*$", regex.MULTILINE)
    Derived(literals=('comment', 'discuss'), folded=False)
    >>> derive(r"^Read more$", regex.MULTILINE | regex.IGNORECASE)
    Derived(literals=('read more',), folded=True)
    >>> derive(r"^\\w+ \\d+$", regex.MULTILINE) is None    # anything can match: no literal to look for
    True
    """
    try:
        tree = parse(pattern, flags)
    except (regex.error, _regex_core.error, ValueError, RecursionError):
        return None
    nodes = list(_walk(tree))
    if any(getattr(node, "case_flags", 0) & regex.FULLCASE for node in nodes) or any(
            isinstance(node, _regex_core.Fuzzy) for node in nodes):
        return None   # full case folding matches 'ß' to 'ss'; fuzzy matching, anything near a literal
    folded = any(getattr(node, "case_flags", 0) & regex.IGNORECASE for node in nodes)
    try:
        found = _any_of(_info(tree, folded))
    except RecursionError:
        return None
    if found is None or len(found) > _MAX_LITERALS or min(map(_weight, found)) == 0:
        return None
    return Derived(tuple(sorted(found)), folded)


@functools.cache
def stays_within_lines(pattern: str, flags: int) -> bool:
    """Whether every match of ``pattern`` lies inside one line and is not empty, whatever surrounds it.

    Then running it on each line alone finds what it finds on the whole text: no part of it, lookarounds
    included, can match a line break, and no anchor but a line's start and end (``^``/``$`` with MULTILINE)
    tells a line from the text.

    >>> stays_within_lines(r"^(?:updated|posted)[ ]+[^\\n]{0,40}(?![^\\n]*--)$", regex.MULTILINE)
    True
    >>> stays_within_lines(r"^share(?:\\n+twitter)+", regex.MULTILINE)   # a run of lines
    False
    """
    try:
        tree = parse(pattern, flags)
        return _min_width(tree) > 0 and all(_within_a_line(node) for node in _walk(tree))
    except (regex.error, _regex_core.error, ValueError, RecursionError):
        return False


@functools.cache
def starts_at_line_starts(pattern: str, flags: int) -> bool:
    """Whether every match of ``pattern`` begins where a line begins and is not empty.

    Then trying the pattern at each line's start finds every match a search of the whole text finds: the
    first item of every branch is ``^`` with MULTILINE (or ``\\A``). Searching backwards (REVERSE) is refused.

    >>> starts_at_line_starts(r"^(?:facebook|twitter)(?:\\n+(?:facebook|twitter))+", regex.MULTILINE)
    True
    >>> starts_at_line_starts(r"^share|twitter", regex.MULTILINE)   # the second branch starts anywhere
    False
    >>> starts_at_line_starts(r"^share", 0)   # without MULTILINE, ^ is the text's start only: still a line's
    True
    """
    if flags & regex.REVERSE:
        return False
    try:
        tree = parse(pattern, flags)
        return _min_width(tree) > 0 and _starts_a_line(tree) and not any(
            getattr(node, "case_flags", 0) & regex.FULLCASE or isinstance(node, _regex_core.Fuzzy)
            for node in _walk(tree))
    except (regex.error, _regex_core.error, ValueError, RecursionError):
        return False


def _starts_a_line(node: object) -> bool:
    core = _regex_core
    if isinstance(node, core.Sequence):
        return bool(node.items) and _starts_a_line(node.items[0])
    if isinstance(node, core.Branch):
        return all(_starts_a_line(branch) for branch in node.branches)
    if isinstance(node, (core.Group, core.Atomic)):
        return _starts_a_line(node.subpattern)
    # Not StartOfLineU: the Unicode line-break mode starts lines after other characters too.
    return type(node) in (core.StartOfLine, core.StartOfString)


def _within_a_line(node: object) -> bool:
    core = _regex_core
    if isinstance(node, (core.Sequence, core.Branch, core.GreedyRepeat, core.Group, core.Atomic, core.LookAround,
                         core.RefGroup, core.StartOfLine, core.EndOfLine, core.Boundary, core.StartOfWord,
                         core.EndOfWord, core.DefaultBoundary, core.DefaultStartOfWord, core.DefaultEndOfWord)):
        # Containers are judged by their parts; MULTILINE anchors and word boundaries see a line break
        # as they see the end of a string. (A line's own ^ and $ of the Unicode line-break mode do not.)
        return not isinstance(node, (core.StartOfLineU, core.EndOfLineU))
    if isinstance(node, (core.Character, core.Property, core.Range, core.SetBase)):
        return bool(node.zerowidth) or not node.matches(ord("\n"))
    return type(node) is core.Any   # '.' without DOTALL; anything else (\A, \Z, fuzzy, ...) is refused


def _min_width(node: object) -> int:
    core = _regex_core
    if isinstance(node, (core.Character, core.Property, core.Range, core.SetBase)):
        return 0 if node.zerowidth else 1
    if isinstance(node, core.Any):
        return 1
    if isinstance(node, core.Sequence):
        return sum(_min_width(item) for item in node.items)
    if isinstance(node, core.Branch):
        return min(_min_width(branch) for branch in node.branches)
    if isinstance(node, core.GreedyRepeat):
        return node.min_count * _min_width(node.subpattern)
    if isinstance(node, (core.Group, core.Atomic)):
        return _min_width(node.subpattern)
    return 0


def _walk(node: object) -> Iterable[object]:
    yield node
    for name in ("items", "branches"):
        for child in getattr(node, name, None) or ():
            yield from _walk(child)
    for name in ("subpattern", "yes_item", "no_item"):
        child = getattr(node, name, None)
        if child is not None:
            yield from _walk(child)


def _weight(literal: str) -> int:
    """How much text a literal rules out, roughly: its length, but nothing for spaces alone or a common word.

    >>> _weight("read more"), _weight("  "), _weight("the "), _weight("hat"), _weight("app"), _weight("人民")
    (9, 0, 1, 1, 1, 6)
    """
    core = literal.strip().lower()
    if not core:
        return 0
    if any(core in word for word in _COMMON_WORDS) or (len(core) <= 3 and core.isascii() and core.isalpha()):
        return 1   # in most paragraphs ('min' of 'administration', 'app' of 'happen')
    return sum(1 if char.isascii() else 3 for char in literal)


def _key(found: frozenset[str]) -> tuple[int, int]:
    return min(map(_weight, found)), -len(found)


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Of two sets a match must each hold one of, the one that rules out more text."""
    if a is None or b is None:
        return a if b is None else b
    return a if _key(a) >= _key(b) else b


def _any_of(info: _Info) -> frozenset[str] | None:
    if info.exact is not None:
        return None if "" in info.exact else info.exact
    return info.any_of


def _char(char: str, folded: bool) -> _Info:
    if not folded:
        return _Info(exact=frozenset({char}))
    # A case-sensitive character is searched in the folded text too: folding keeps "holds", it only adds.
    found = FOLDING.literal(char)
    return _ANYTHING if found is None else _Info(exact=frozenset({found}))


def _info(node: object, folded: bool) -> _Info:
    core = _regex_core
    if isinstance(node, core.Character):
        if node.zerowidth:
            return _EMPTY
        return _char(chr(node.value), folded) if node.positive else _ANYTHING
    if isinstance(node, core.Sequence):
        return _sequence([part for item in node.items for part in _parts(item, folded)])
    if isinstance(node, core.Branch):
        infos = [_info(branch, folded) for branch in node.branches]
        exacts = [info.exact for info in infos]
        if all(exact is not None for exact in exacts):
            union = frozenset().union(*(exact for exact in exacts if exact is not None))
            if len(union) <= _MAX_EXACT:
                return _Info(exact=union)
        alternatives = [_any_of(info) for info in infos]
        if any(found is None for found in alternatives):
            return _ANYTHING
        return _Info(any_of=frozenset().union(*(found for found in alternatives if found is not None)))
    if isinstance(node, core.GreedyRepeat):   # lazy and possessive repeats are kinds of it
        return _sequence(_parts(node, folded))
    if isinstance(node, (core.Group, core.Atomic)):
        return _info(node.subpattern, folded)
    if isinstance(node, core.SetUnion) and node.positive and not node.zerowidth and len(node.items) <= _MAX_EXACT \
            and all(isinstance(item, core.Character) and item.positive for item in node.items):
        chars = [_char(chr(item.value), folded) for item in node.items]
        if any(char.exact is None for char in chars):
            return _ANYTHING
        return _Info(exact=frozenset().union(*(char.exact for char in chars if char.exact is not None)))
    if isinstance(node, (core.ZeroWidthBase, core.LookAround, core.Boundary)):
        return _EMPTY   # an assertion consumes nothing (what a lookahead sees is not in the match)
    return _ANYTHING


def _parts(node: object, folded: bool) -> list[_Info]:
    """A sequence's item as parts of the sequence: ``x{2,}`` is x, x, then anything, so the copies it must
    have stay joined to the text before them ('click[ ]+here' holds 'click ')."""
    if not isinstance(node, _regex_core.GreedyRepeat):
        return [_info(node, folded)]
    if node.min_count == 0:
        return [_ANYTHING]
    inner = _info(node.subpattern, folded)
    if inner.exact is None or len(inner.exact) ** node.min_count > _MAX_EXACT:
        return [_Info(any_of=_any_of(inner))]
    return [inner] * node.min_count + ([] if node.min_count == node.max_count else [_ANYTHING])


def _sequence(infos: Sequence[_Info]) -> _Info:
    """Concatenation: runs of exact parts multiplied out; the best run or part kept as the requirement."""
    best: frozenset[str] | None = None
    run: frozenset[str] | None = frozenset({""})
    exact = True
    for info in infos:
        if info.exact is not None:
            if run is not None and len(run) * len(info.exact) <= _MAX_EXACT:
                run = frozenset(a + b for a in run for b in info.exact)
                continue
            best = _better(best, _any_of(_Info(exact=run)))
            run, exact = info.exact, False
            continue
        exact = False
        best = _better(_better(best, _any_of(_Info(exact=run))), info.any_of)
        run = frozenset({""})
    if exact:
        return _Info(exact=run)
    return _Info(any_of=_better(best, _any_of(_Info(exact=run))))


def searchable(literals: Sequence[str], folded: bool) -> Derived | None:
    """``literals`` as :class:`LiteralIndex` searches them (folded when ``folded``); None when one cannot be
    searched so, or is too weak to filter (see :func:`derive`).

    >>> searchable(["Read More"], folded=True)
    Derived(literals=('read more',), folded=True)
    >>> searchable(["  "], folded=False) is None     # in too many lines to be worth looking for
    True
    """
    found = []
    for literal in literals:
        chars = [FOLDING.literal(char) if folded else char for char in literal]
        if any(char is None for char in chars):
            return None
        found.append("".join(char for char in chars if char is not None))
    if not found or min(map(_weight, found)) == 0:
        return None
    return Derived(tuple(found), folded)


def stronger(a: Derived | None, b: Derived | None) -> Derived | None:
    """Of two sets of literals each match holds one of, the one that rules out more text (``b`` on a tie)."""
    if a is None or b is None:
        return a if b is None else b
    return a if _key(frozenset(a.literals)) > _key(frozenset(b.literals)) else b


class LiteralIndex:
    """Every rule's literals, found in a text in one pass (and one over the folded text)."""

    def __init__(self, literals: Sequence[Derived | None]):
        ids: dict[tuple[str, bool], int] = {}
        by_literal: list[list[int]] = []   # per literal id: the rules that look for it
        for rule, found in enumerate(literals):
            if found is None:
                continue
            for literal in found.literals:
                at = ids.setdefault((literal, found.folded), len(ids))
                if at == len(by_literal):
                    by_literal.append([])
                by_literal[at].append(rule)
        self._rules_of = by_literal
        self._automata = [(folded, _automaton({literal: at for (literal, fold), at in ids.items() if fold == folded}))
                          for folded in (False, True)]
        # Only the case variants of the characters in use need mapping before lower-casing.
        self._odd = FOLDING.odd_variants({char for literal, fold in ids if fold for char in literal})

    def find(self, text: str) -> dict[int, set[int]]:
        """Per rule (by number) whose literals ``text`` holds: the indices of the lines holding one."""
        at_literal: dict[int, set[int]] = {}
        for folded, automaton in self._automata:
            if automaton is None:
                continue
            ids, searcher = automaton
            haystack = FOLDING.fold(text, self._odd) if folded else text
            hits = searcher.find_matches_as_indexes(haystack, overlapping=True)
            if not hits:
                continue
            line, counted_to = 0, 0
            for index, start, _ in sorted(hits, key=lambda hit: hit[1]):
                line += haystack.count("\n", counted_to, start)
                counted_to = start
                at_literal.setdefault(ids[index], set()).add(line)
        found: dict[int, set[int]] = {}
        for literal, lines in at_literal.items():
            for rule in self._rules_of[literal]:
                found.setdefault(rule, set()).update(lines)
        return found


def _automaton(literals: dict[str, int]) -> tuple[list[int], ahocorasick_rs.AhoCorasick] | None:
    if not literals:
        return None
    ordered = list(literals)
    # The DFA: twice as fast as the default NFA on the articles (BENCHMARKS.md), for a larger table.
    return [literals[literal] for literal in ordered], ahocorasick_rs.AhoCorasick(
        ordered, implementation=ahocorasick_rs.Implementation.DFA)
