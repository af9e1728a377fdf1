"""What a rule means: its pattern, scope and ``requires`` literals compiled once per process.

Everything here follows the *compiled* pattern, so a flag written inline
(``(?m)``, ``(?i)``) means what the same flag means in ``flags = [...]``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

import regex

from pipeline.core.budget import Budget
from pipeline.core.ledger import Cut
from pipeline.core.records import Rejected
from pipeline.core.rules.literals import (
    Derived,
    derive,
    searchable,
    starts_at_line_starts,
    stays_within_lines,
    stronger,
)
from pipeline.core.rules.schema import Rule, RuleError

# A job builds its rules more than once (checked at launch, then in the pipeline and each worker), and the regex
# module's own cache (500 patterns, shared with every library) does not hold a large rule set: each pattern is
# compiled once per process here. A compiled pattern is immutable, so sharing it is safe.
compile_pattern = functools.cache(regex.compile)
_LOOKAROUND = regex.compile(r"\(\?<?[=!]|\\[AZz]")
# Global inline flags at the start of a pattern, '(?mi)', which a line rule's '^' may follow.
_LEADING_FLAGS = regex.compile(r"^(?:\(\?[a-zA-Z]+\))+")
# '.' repeated without an upper bound: '.*', '.+', '.{3,}' (not '\.*', not '[.]*').
_UNBOUNDED_DOT = regex.compile(r"(?<!\\)(?:\\\\)*\.(?:[*+]|\{\d*,\})")
_WHITESPACE_CLASS = regex.compile(r"(?<!\\)(?:\\\\)*\\s")
# Per example, for the empty-match check at load: examples are short, a rule's runaway is budget's business.
EMPTY_MATCH_CHECK_SECONDS = 1.0


class CompiledRule:
    """A rule ready to run: its pattern and scope compiled once per process.

    A *line rule* (MULTILINE, pattern ``^...$``, no replacement, no lookaround or
    \\A/\\Z) removes every line its pattern matches in full, one line at a time:
    it can never reach into a neighbouring line, and it may not match an empty line.
    A *block rule* (``block = {...}``) removes runs of lines: every line of a
    run matches its pattern in full and is at most ``max_line_chars`` long,
    blank lines between them are skipped, the run has at least ``min_lines``
    lines and sits where ``position`` says (see :meth:`find_blocks`).
    Any other rule replaces every match in the whole text.

    ``requires`` only saves time: a rule with it looks only at the lines that
    hold a literal (in any case when the pattern ignores case), which
    :func:`pipeline.core.rules.checks.check_examples` proves equal, on the rule's
    examples and look-alikes, to running it on the whole text.
    """

    def __init__(self, rule: Rule):
        self.rule = rule
        self.name = rule.name
        try:
            self.pattern = compile_pattern(rule.pattern, rule.regex_flags)
            self.block = rule.block
            self.label = compile_pattern(rule.block.label, rule.regex_flags) if rule.block and rule.block.label else None
            self.url_patterns = tuple(compile_pattern(url) for url in rule.urls)
        except regex.error as error:
            hint = r" (the regex module writes \u00A0, not \x{00A0})" if r"\x{" in rule.pattern else ""
            raise RuleError(rule.file, f"pattern does not compile: {error}{hint}", rule.name) from None
        flags = self.pattern.flags
        body = _LEADING_FLAGS.sub("", rule.pattern.strip())
        self.is_line_rule = bool(not self.block and flags & regex.MULTILINE and not rule.replacement and body.startswith("^")
                                 and body.endswith("$") and not body.endswith("\\$")
                                 and not _LOOKAROUND.search(body))
        self._refuse_what_the_readme_forbids(body, flags)
        self.scoped = bool(rule.sites or rule.urls)
        # An after-label rule's literals are its label's: they ignore case when the label does.
        case_from = self.label if self.label is not None else self.pattern
        self.requires = literal_patterns(rule.requires, ignore_case=bool(case_from.flags & regex.IGNORECASE))
        # What every match must hold, from the pattern (a block rule's label, for after-label) or 'requires',
        # whichever rules out more: the engine tries the rule only where the text holds one.
        self.derived = derive(self.label.pattern if self.label is not None else rule.pattern, case_from.flags)
        given = searchable(rule.requires, bool(case_from.flags & regex.IGNORECASE)) if rule.requires else None
        self.literals: Derived | None = stronger(given, self.derived)
        # A rule (not a line rule) whose every match lies in one line can run on the lines holding a literal only.
        self.within_lines = bool(rule.requires) or (not self.is_line_rule and not self.block
                                                    and stays_within_lines(rule.pattern, self.pattern.flags))
        # Any other rule whose every match starts a line is tried at line starts only: a search of the whole text
        # tries every position, and the regex module is slow at that (share-label-column: 6x).
        self.starts_lines = (not self.is_line_rule and not self.block and not self.within_lines
                             and starts_at_line_starts(rule.pattern, self.pattern.flags))
        for i, example in enumerate(rule.examples, 1):
            if self.requires and not any(literal.search(example.input) for literal in self.requires):
                raise RuleError(rule.file, f"example {i} contains none of 'requires' {list(rule.requires)}, so "
                                           "the rule would skip it", rule.name)

    def _refuse_what_the_readme_forbids(self, body: str, flags: int) -> None:
        rule = self.rule
        if self.is_line_rule and self.pattern.fullmatch(""):
            # It would count every blank line as a hit.
            raise RuleError(rule.file, "pattern matches an empty line; make it require at least one character",
                            rule.name)
        if self.pattern.fullmatch("") or (not self.block and self._matches_empty_in_examples()):
            # An empty match removes nothing, yet it would count as a hit and be written to the ledger each time.
            raise RuleError(rule.file, "pattern can match the empty string; make it require at least one character",
                            rule.name)
        if self.block and (_WHITESPACE_CLASS.search(body) or _WHITESPACE_CLASS.search(self.block.label or "")):
            raise RuleError(rule.file, r"block rule uses \s; its pattern and label match one line each, which "
                                       "holds single spaces: write [ ]", rule.name)
        if self.is_line_rule and _WHITESPACE_CLASS.search(body):
            raise RuleError(rule.file, r"line rule uses \s; after normalisation a line holds single spaces, so "
                                       "write [ ] (\\s also stands for a line break, which a line never holds)",
                            rule.name)
        if (flags & regex.DOTALL or "(?s" in body) and _UNBOUNDED_DOT.search(body):
            raise RuleError(rule.file, "with DOTALL an unbounded '.*' or '.+' can run to the end of the "
                                       "document; bound it ('.{0,300}') or stay within a line ('[^\\n]*')",
                            rule.name)

    def _matches_empty_in_examples(self) -> bool:
        # A lookaround alone ('(?<=Ad)') does not match "" but matches nothing between characters; the rule's
        # own examples show it. A pattern that backtracks past the limit is the examples check's to report.
        try:
            return any(match.start() == match.end() for example in self.rule.examples
                       for match in self.pattern.finditer(example.input, timeout=EMPTY_MATCH_CHECK_SECONDS))
        except TimeoutError:
            return False

    def applies_to(self, url: str | None, source: str, budget: Budget) -> bool:
        if not self.scoped:
            return True
        # The host is in the URL: a site the URL does not mention needs no parsing of it.
        if url and self.rule.sites and any(site in url.lower() for site in self.rule.sites):
            host = url_host(url)
            if host is not None and any(host == site or host.endswith("." + site) for site in self.rule.sites):
                return True
        # The URL is the input's: a scope pattern can backtrack on it like any rule on a text.
        try:
            return any(p.search(url or source, timeout=budget.left()) for p in self.url_patterns)
        except TimeoutError:
            raise budget.exceeded("rules", f"the 'urls' scope of rule '{self.name}' ({self.rule.file})") from None

    def timed_out(self, budget: Budget) -> Rejected:
        return budget.exceeded("rules", f"rule '{self.name}' ({self.rule.file})")

    def matches_line(self, line: str, budget: Budget) -> bool:
        try:
            return self.pattern.fullmatch(line, timeout=budget.left()) is not None
        except TimeoutError:
            raise self.timed_out(budget) from None

    def fits_block(self, line: str, budget: Budget) -> bool:
        """Whether ``line`` can be a line of this block rule's run: short enough, and of its shape."""
        assert self.block is not None
        return len(line) <= self.block.max_line_chars and self.matches_line(line, budget)

    def is_label(self, line: str, budget: Budget) -> bool:
        assert self.block is not None and self.label is not None
        if len(line) > self.block.max_line_chars:
            return False
        try:
            return self.label.fullmatch(line, timeout=budget.left()) is not None
        except TimeoutError:
            raise self.timed_out(budget) from None

    def _run(self, lines: list[str], filled: Iterable[int], budget: Budget,
             holding: set[int] | None = None) -> list[int]:
        """The indices (of ``filled``, in the order given) that fit the block, up to the first that does not."""
        run = []
        for index in filled:
            if (holding is not None and index not in holding) or not self.fits_block(lines[index], budget):
                break
            run.append(index)
        return run

    def find_blocks(self, lines: list[str], budget: Budget, holding: set[int] | None = None) -> list[list[int]]:
        """The line indices of every block this rule removes from ``lines``, in text order.

        Blank lines never count and never break a run. ``start``/``end``: the run
        from the first (last) non-blank line; ``anywhere``: every run; ``after-label``:
        a line matching the label and the run right after it, both removed. A
        run shorter than ``min_lines`` stays, its label too.

        A line longer than ``max_line_chars`` can be neither a label nor in a run:
        such lines (most of an article's paragraphs) are set aside by length
        alone, and patterns are tried only on the others. With ``holding`` (the
        lines that hold a ``requires`` literal), so are the lines outside it:
        an after-label rule's literals are its label's, any other block rule's
        are those every line of its run holds.
        """
        block = self.block
        assert block is not None
        limit = block.max_line_chars
        filled = [index for index, line in enumerate(lines) if line and not line.isspace()]
        if block.position == "start":
            runs = [self._run(lines, filled, budget, holding)]
        elif block.position == "end":
            runs = [self._run(lines, reversed(filled), budget, holding)[::-1]]
        else:
            # Positions in ``filled`` of the lines short enough (and holding a literal) to be a label or a run's line.
            short = [k for k, index in enumerate(filled)
                     if len(lines[index]) <= limit and (holding is None or index in holding)]
            runs = []
            if block.position == "after-label":
                done = 0   # the first position a block may start at: labels inside a block are its lines
                for k in short:
                    if k < done or not self.is_label(lines[filled[k]], budget):
                        continue
                    run = self._run(lines, filled[k + 1:], budget)
                    if len(run) >= block.min_lines:
                        runs.append([filled[k], *run])
                        done = k + 1 + len(run)
            else:
                groups: list[list[int]] = []   # consecutive positions whose lines fit
                for k in short:
                    if self.fits_block(lines[filled[k]], budget):
                        if groups and groups[-1][-1] == k - 1:
                            groups[-1].append(k)
                        else:
                            groups.append([k])
                runs = [[filled[k] for k in group] for group in groups]
        return [run for run in runs if len(run) >= block.min_lines]

    def remove_blocks(self, text: str, budget: Budget, holding: set[int] | None = None,
                      cuts: list[Cut] | None = None) -> tuple[str, list[str]]:
        """``text`` without this block rule's blocks (their lines emptied), and the text of each block removed.

        ``holding``: see :meth:`find_blocks`. With ``cuts`` (the removal ledger), each block is one cut, from its
        first line's start to its last line's end, replaced by the blank lines it leaves: one hit, one removal.
        """
        lines = text.split("\n")
        found_blocks = self.find_blocks(lines, budget, holding)
        starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0)) if cuts is not None else []
        removed = []
        for found in found_blocks:
            removed.append("\n".join(lines[index] for index in found))
            if cuts is not None:
                first, last, members = found[0], found[-1], set(found)
                left = "\n".join("" if index in members else lines[index] for index in range(first, last + 1))
                cuts.append((self.name, starts[first], starts[last] + len(lines[last]), left))
            for index in found:
                lines[index] = ""
        return ("\n".join(lines) if removed else text), removed

    def apply_whole(self, text: str, budget: Budget, cuts: list[Cut] | None = None) -> tuple[str, int]:
        """What the rule means, without ``requires``: every matching line emptied, every block removed,
        or every match replaced.

        With ``cuts`` (the removal ledger), each hit is appended to it as ``(rule, start, end, replacement)`` in
        ``text``.
        """
        if self.block:
            text, removed = self.remove_blocks(text, budget, cuts=cuts)
            return text, len(removed)
        if self.is_line_rule:
            lines = text.split("\n")
            hits, offset = 0, 0
            for index, line in enumerate(lines):
                if self.matches_line(line, budget):
                    lines[index], hits = "", hits + 1
                    if cuts is not None:
                        cuts.append((self.name, offset, offset + len(line), ""))
                offset += len(line) + 1
            return "\n".join(lines), hits
        return self._replace(text, budget, cuts, 0)

    def _replace(self, text: str, budget: Budget, cuts: list[Cut] | None, offset: int) -> tuple[str, int]:
        """Every match replaced; with ``cuts``, each one recorded at ``offset`` plus its place in ``text``."""
        replacement: str | Callable[[regex.Match], str] = self.rule.replacement
        if cuts is not None:
            def replacement(match: regex.Match) -> str:
                replaced = match.expand(self.rule.replacement)
                cuts.append((self.name, offset + match.start(), offset + match.end(), replaced))
                return replaced
        try:
            return self.pattern.subn(replacement, text, timeout=budget.left())
        except TimeoutError:
            raise self.timed_out(budget) from None

    def apply_at_line_starts(self, text: str, budget: Budget, cuts: list[Cut] | None = None) -> tuple[str, int]:
        """:meth:`apply_whole` for a rule that :attr:`starts_lines`: the pattern tried at each line's start only.

        The matches are those a search of the whole text finds, in the same order: each one starts a line, and
        the next is looked for from the first line start at or after the end of the last.
        """
        pieces: list[str] = []
        hits, done, start, replacement = 0, 0, 0, self.rule.replacement
        while True:
            try:
                match = self.pattern.match(text, start, timeout=budget.left())
            except TimeoutError:
                raise self.timed_out(budget) from None
            if match is not None:
                replaced = match.expand(replacement)
                pieces += (text[done:match.start()], replaced)
                if cuts is not None:
                    cuts.append((self.name, match.start(), match.end(), replaced))
                hits, done = hits + 1, match.end()
            # The next line start at or after both start + 1 and the end of the last match.
            newline = text.find("\n", max(start, done - 1))
            if newline < 0:
                break
            start = newline + 1
        return ("".join(pieces) + text[done:] if hits else text), hits

    def apply(self, text: str, budget: Budget, cuts: list[Cut] | None = None,
              holding: set[int] | None = None) -> tuple[str, int]:
        """:meth:`apply_whole`, looking only at the lines ``holding`` a literal of the rule: those the caller
        found, or else the lines holding a ``requires`` literal (without either, the whole text).

        Line by line, for a rule that is not a block rule: only for a rule that :attr:`within_lines`.
        """
        if holding is None:
            if not self.requires:
                return self.apply_whole(text, budget, cuts)
            # A Hill article has a few lines with MORE and dozens without.
            holding = lines_holding(self, text)
        if not holding:
            return text, 0
        if self.block:
            text, removed = self.remove_blocks(text, budget, holding, cuts)
            return text, len(removed)
        lines = text.split("\n")
        hits = 0
        # Where each line starts in the text, for the ledger only.
        starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0)) if cuts is not None else []
        for index in sorted(holding):
            line = lines[index]
            offset = starts[index] if cuts is not None else 0
            if self.is_line_rule:
                if self.matches_line(line, budget):
                    lines[index], hits = "", hits + 1
                    if cuts is not None:
                        cuts.append((self.name, offset, offset + len(line), ""))
                continue
            lines[index], count = self._replace(line, budget, cuts, offset)
            hits += count
        return "\n".join(lines), hits


def url_host(url: str) -> str | None:
    """The host a document's URL names, lower-cased ("" when it names none); None when the URL cannot be parsed.

    >>> url_host("https://News.BBC.co.uk/x")
    'news.bbc.co.uk'
    >>> url_host("http://[bbc.com/x") is None   # an unclosed IPv6 bracket: no host, and no crash of the job
    True
    """
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return None


def literal_patterns(literals: Sequence[str], ignore_case: bool) -> tuple[regex.Pattern, ...]:
    # The regex module finds a literal in any case about as fast as str.find finds it in one.
    return tuple(_literal_pattern(literal, regex.IGNORECASE if ignore_case else 0) for literal in literals)


@functools.cache
def _literal_pattern(literal: str, flags: int) -> regex.Pattern:
    # One object per literal, so that rules sharing one (the hover cards' MORE) share its lookup.
    return compile_pattern(regex.escape(literal), flags)


def lines_holding(rule: CompiledRule, text: str) -> set[int]:
    """Indices of the lines of ``text`` that hold one of the rule's ``requires`` literals."""
    offsets = [match.start() for literal in rule.requires for match in literal.finditer(text)]
    indices, line, counted_to = set(), 0, 0
    for at in sorted(offsets) if len(rule.requires) > 1 else offsets:
        line += text.count("\n", counted_to, at)
        counted_to = at
        indices.add(line)
    return indices
