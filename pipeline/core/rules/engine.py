"""Running a rule set: every rule in scope, in order, with the line gate's shortcuts.

What each rule means is :class:`CompiledRule.apply_whole`; ``tests/reference.py``
runs exactly that, rule after rule, and the equivalence tests hold this
module's result equal to it on the fixtures and the whole corpus.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pipeline.core.budget import Budget
from pipeline.core.ledger import Cut, Ledger
from pipeline.core.rules.compiled import CompiledRule, url_host
from pipeline.core.rules.gate import LineGate
from pipeline.core.rules.literals import LiteralIndex
from pipeline.core.rules.schema import Rule

# The cleaning step the ledger names for every rule's removals.
STEP = "rules"


class RuleSet:
    """All rules, compiled once per process, applied in file and rule order.

    The result is that of running each rule on its own, in order, on the
    whole text (the equivalence tests check it on the whole corpus), with less work: line
    rules that follow each other run in one pass over the lines, each line
    tried only with the rules its :class:`LineGate` lets through and only if
    it holds one of the rule's literals (:mod:`pipeline.core.rules.literals`: derived
    from the pattern, and ``requires``), all found in one pass; a non-line rule
    that cannot run on this document (out of scope, or its literals absent) does
    not split the pass. That is exact because line rules only empty lines: they
    never create a literal that has no line break in it, and no line rule matches
    an empty line. The literals are looked for again only once a rule changed the text.

    Rules scoped by ``sites`` alone are indexed by site: a document meets the
    rules of its host and of the host's parent domains (one dictionary lookup
    each), and their literals are looked for only in those documents (one index per set of sites, built on first use),
    so a thousand site files cost no more than the few of its own site.
    Rules with a ``urls`` scope are still asked, one by one.
    """

    def __init__(self, rules: Sequence[Rule]):
        self.rules = [CompiledRule(rule) for rule in rules]
        line_rules = [rule for rule in self.rules if rule.is_line_rule]
        self.gate = LineGate(line_rules)
        gate_index = {rule.name: index for index, rule in enumerate(line_rules)}
        self._steps = [(rule, gate_index.get(rule.name)) for rule in self.rules]
        self._unscoped = [step for step in self._steps if not step[0].scoped]
        self._unscoped_at = [at for at, rule in enumerate(self.rules) if not rule.scoped]
        self._url_scoped = [at for at, rule in enumerate(self.rules) if rule.rule.urls]
        self._position = {rule.name: at for at, rule in enumerate(self.rules)}
        self._gate_position = [self._position[rule.name] for rule in line_rules]
        self._gate_index_at = {at: i for i, at in enumerate(self._gate_position)}
        # A line rule the gate judges by its first characters gains little from literals in most paragraphs.
        prefix_judged = {self._gate_position[i] for i in self.gate.by_prefix}
        self.prefix_judged = {self.rules[at].name for at in prefix_judged}
        # Per rule, the literals looked for before it runs (None: it is tried without).
        self.searched = [rule.literals if rule.literals and (rule.literals.strong or at not in prefix_judged)
                         else None for at, rule in enumerate(self.rules)]
        self._by_site: dict[str, list[int]] = {}   # site: positions of the rules scoped to it by 'sites' alone
        for at, rule in enumerate(self.rules):
            if not rule.rule.urls:
                for site in dict.fromkeys(rule.rule.sites):
                    self._by_site.setdefault(site, []).append(at)
        # Site rules' literals are looked for only in their sites' documents: the sites a document belongs to
        # have an index of their own (every other rule's literals and theirs, one pass over the text), built the
        # first time one of their documents comes, so a thousand sites' literals cost nothing elsewhere.
        self._site_rules = frozenset(at for positions in self._by_site.values() for at in positions)
        self.literals = LiteralIndex([None if at in self._site_rules else found
                                      for at, found in enumerate(self.searched)])
        self._site_literals: dict[tuple[str, ...], LiteralIndex] = {}
        # Line rules (by gate index) tried without literals: on every line the gate lets through.
        self._unsearched = frozenset(i for i, at in enumerate(self._gate_position) if self.searched[at] is None)
        # Rules whose literals a pass of line rules can create (emptying a line joins the breaks around it):
        # the pass runs before they are looked for.
        self._after_pass = {at for at, rule in enumerate(self.rules)
                            if rule.literals and any("\n" in literal for literal in rule.literals.literals)}

    def steps_in_scope(self, url: str | None, source: str, budget: Budget,
                       sites: Sequence[str] | None = None) -> list[tuple[CompiledRule, int | None]]:
        """The rules (with their gate index) that apply to a document at ``url`` (or read from ``source``), in order.

        The same rules as :meth:`CompiledRule.applies_to` lets through, one by one. ``sites``: the document's
        :meth:`sites_of`, when the caller has them already.
        """
        found = [at for at in self._url_scoped if self.rules[at].applies_to(url, source, budget)]
        found += [at for site in (self.sites_of(url) if sites is None else sites) for at in self._by_site[site]]
        if not found:
            return self._unscoped
        return [self._steps[at] for at in sorted({*self._unscoped_at, *found})]

    def sites_of(self, url: str | None) -> list[str]:
        """The sites with rules of their own that a document at ``url`` belongs to: its host, its parents."""
        if not url or not self._by_site:
            return []
        host = url_host(url)
        return [] if host is None else [site for site in host_and_parents(host) if site in self._by_site]

    def find(self, text: str, sites: Sequence[str]) -> dict[int, set[int]]:
        """Per rule (by position) whose literals ``text`` holds: the lines holding one; rules of ``sites`` too."""
        if not sites:
            return self.literals.find(text)
        key = tuple(sites)
        index = self._site_literals.get(key)
        if index is None:
            mine = {at for site in sites for at in self._by_site[site]}
            index = self._site_literals[key] = LiteralIndex([
                literals if at in mine or at not in self._site_rules else None
                for at, literals in enumerate(self.searched)])
        return index.find(text)

    def lines(self, at: int, found: dict[int, set[int]]) -> set[int] | None:
        """The lines on which rule ``at`` can match, of a text whose :meth:`find` is ``found``; None: all."""
        return None if self.searched[at] is None else found.get(at, set())

    def apply(self, text: str, url: str | None, source: str, budget: Budget,
              ledger: Ledger | None = None) -> tuple[str, dict[str, int]]:
        """Run every rule in scope within the document's ``budget``; return the text and the hits per rule that fired.

        With a ``ledger``, every hit is recorded in it, rule by rule (a pass of line rules at once: its lines
        are disjoint), in the coordinates of the text as it is then.
        """
        hits: dict[str, int] = {}
        pending: list[int] = []   # line rules (by gate index) waiting for one pass
        # Where every rule's literals are in the text. A pass of line rules only empties lines, so it only
        # takes literals away, and those on its lines; literals with a line break in them it can create.
        sites = self.sites_of(url)
        found = self.find(text, sites)
        breaks_stale = False
        # The text's lines and the gate's screen of them, kept from one pass to the next while no other rule
        # changes the text.
        screened: _Screened | None = None
        for rule, line_rule in self.steps_in_scope(url, source, budget, sites):
            if line_rule is not None:
                pending.append(line_rule)
                continue
            at = self._position[rule.name]
            if at in self._after_pass:
                if pending:
                    text, found, screened = self._pass(text, pending, budget, hits, ledger, found, screened)
                    pending, breaks_stale = [], True
                if breaks_stale:
                    found, breaks_stale = self.find(text, sites), False
            holding = self.lines(at, found)
            if holding is not None and not holding:
                continue
            if pending:
                text, found, screened = self._pass(text, pending, budget, hits, ledger, found, screened)
                pending, breaks_stale = [], True
                holding = self.lines(at, found)
                if holding is not None and not holding:
                    continue
            cuts: list[Cut] | None = [] if ledger is not None else None
            changed, count = _run(rule, text, budget, cuts, holding)
            if count:
                hits[rule.name] = count
                text, found, breaks_stale = changed, self.find(changed, sites), False
            if ledger is not None and cuts:
                ledger.removed(STEP, cuts)
        if pending:
            text, _, _ = self._pass(text, pending, budget, hits, ledger, found, screened)
        return text, {rule.name: hits[rule.name] for rule in self.rules if rule.name in hits}

    def _pass(self, text: str, pending: list[int], budget: Budget, hits: dict[str, int], ledger: Ledger | None,
              found: dict[int, set[int]], screened: _Screened | None,
              ) -> tuple[str, dict[int, set[int]], _Screened]:
        """:meth:`_remove_lines`, where the literals of ``found`` are once its lines are emptied, and the
        screen of the text it leaves."""
        if screened is None or screened.text is not text:
            lines = text.split("\n")
            screened = _Screened(text, lines, self.gate.screen(lines))
        text, emptied = self._remove_lines(screened, pending, budget, hits, ledger, found)
        if emptied:
            found = {rule: left for rule, lines in found.items() if (left := lines - emptied)}
            # An emptied line has no candidate; the other lines are as they were.
            candidates = {index: alive for index, alive in screened.candidates.items() if index not in emptied}
            screened = _Screened(text, screened.lines, candidates)
        return text, found, screened

    def _remove_lines(self, screened: _Screened, pending: list[int], budget: Budget, hits: dict[str, int],
                      ledger: Ledger | None, found: dict[int, set[int]]) -> tuple[str, set[int]]:
        """The text with every line a pending line rule matches emptied, and the indices of those lines.

        Empties the lines in ``screened.lines`` itself.
        """
        gate_rules, gate_index_at = self.gate.rules, self._gate_index_at
        waiting = set(pending)
        # Each rule with literals looks only at the lines holding one; the others at every line.
        holding = {i: on for at, on in found.items() if (i := gate_index_at.get(at)) is not None and i in waiting}
        active = holding.keys() | (waiting & self._unsearched)
        text, lines = screened.text, screened.lines
        if not active:
            return text, set()
        to_try = dict(screened.candidates)
        for i in self.gate.any_start:
            if i in active:
                for index in holding[i] if i in holding else range(len(lines)):
                    if lines[index]:
                        to_try[index] = tuple(sorted({*to_try.get(index, ()), i}))
        emptied: list[tuple[int, str]] = []   # (line index, rule)
        for index, candidates in to_try.items():
            line = lines[index]
            for i in candidates:
                if i not in active or (i in holding and index not in holding[i]):
                    continue
                rule = gate_rules[i]
                if rule.matches_line(line, budget):
                    emptied.append((index, rule.name))
                    hits[rule.name] = hits.get(rule.name, 0) + 1
                    break
        if not emptied:
            return text, set()
        if ledger is not None:
            starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
            ledger.removed(STEP, [(name, starts[index], starts[index] + len(lines[index]), "")
                                  for index, name in sorted(emptied)])
        for index, _ in emptied:
            lines[index] = ""
        return "\n".join(lines), {index for index, _ in emptied}


@dataclass(frozen=True)
class _Screened:
    """A text, its lines, and the gate's candidates for each line that has some (:meth:`LineGate.screen`)."""

    text: str
    lines: list[str]
    candidates: dict[int, tuple[int, ...]]


def host_and_parents(host: str) -> Iterator[str]:
    """``host`` and every name after one of its dots: the sites whose rules apply to it.

    The same as ``host == site or host.endswith("." + site)`` for each site, asked once.

    >>> list(host_and_parents("news.bbc.co.uk"))
    ['news.bbc.co.uk', 'bbc.co.uk', 'co.uk', 'uk']
    >>> list(host_and_parents("localhost"))
    ['localhost']
    """
    yield host
    dot = host.find(".")
    while dot >= 0:
        yield host[dot + 1:]
        dot = host.find(".", dot + 1)


def _run(rule: CompiledRule, text: str, budget: Budget, cuts: list[Cut] | None,
         holding: set[int] | None) -> tuple[str, int]:
    """One rule that is not a line rule, on the lines its literals allow (``holding``; None: all of them)."""
    if rule.block or rule.within_lines:
        return rule.apply(text, budget, cuts, holding)
    if rule.starts_lines:
        return rule.apply_at_line_starts(text, budget, cuts)
    return rule.apply_whole(text, budget, cuts)
