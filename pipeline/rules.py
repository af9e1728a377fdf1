"""Cleanup rules: TOML files users write, loaded, checked and applied here.

A rule file holds one or more ``[[rules]]`` tables::

    [[rules]]
    name = "comment-widget"
    description = "The comment counter and loader line a widget leaves at the end."
    pattern = '''(?m)^• Comments$'''
    replacement = ""                  # optional; default removes the match
    flags = ["IGNORECASE"]            # optional: IGNORECASE, MULTILINE, DOTALL, VERBOSE
    scope = { sites = ["thehill.com"], urls = ['/opinion/'] }   # optional
    keep = ["Comments were closed."]  # look-alikes that must come out unchanged
    requires = ["comment"]            # optional: look only at lines holding one of these (any case with IGNORECASE)

    [[rules.examples]]                # inputs that must change, and how
    input = "Body.\\n\\n• Comments"
    output = "Body."

Rules run in file-name order, then in the order they stand in their file.
Parsing fails on the first problem, naming the file and the rule; a rule's
examples and look-alikes are checked by :func:`check_examples`. Reading the
files (local or in a bucket) is ``pipeline.rule_files``' job.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import urlsplit

import regex

from pipeline.normalize import tidy_layout
from pipeline.records import Rejected

FLAGS = {
    "IGNORECASE": regex.IGNORECASE,
    "MULTILINE": regex.MULTILINE,
    "DOTALL": regex.DOTALL,
    "VERBOSE": regex.VERBOSE,
}
_RULE_KEYS = {"name", "description", "pattern", "replacement", "flags", "scope", "examples", "keep", "requires"}
_REQUIRED_KEYS = ("name", "description", "pattern", "examples", "keep")
_SCOPE_KEYS = {"sites", "urls"}
_EXAMPLE_KEYS = {"input", "output"}
_NAME = regex.compile(r"[a-z0-9][a-z0-9._-]*")

DEFAULT_TIMEOUT_SECONDS = 2.0


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and rule."""

    def __init__(self, file: str, problem: str, rule: str | None = None):
        where = f"{file}: rule '{rule}'" if rule else file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Example:
    input: str
    output: str


@dataclass(frozen=True)
class Rule:
    """A rule as written in its file: plain data, cheap to pickle to workers."""

    name: str
    description: str
    pattern: str
    file: str
    replacement: str = ""
    flags: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    keep: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()


_LOOKAROUND = regex.compile(r"\(\?<?[=!]|\\[AZz]")


class CompiledRule:
    """A rule ready to run: its pattern and scope compiled once per process.

    A *line rule* (MULTILINE, pattern ``^...$``, no replacement, no lookaround or
    \\A/\\Z) removes every line its pattern matches in full, one line at a time:
    it can never reach into a neighbouring line, and it may not match an empty line.
    """

    def __init__(self, rule: Rule):
        self.rule = rule
        self.name = rule.name
        try:
            flags = 0
            for flag in rule.flags:
                flags |= FLAGS[flag]
            self.pattern = regex.compile(rule.pattern, flags)
            self.url_patterns = tuple(regex.compile(url) for url in rule.urls)
        except regex.error as error:
            hint = r" (the regex module writes \u00A0, not \x{00A0})" if r"\x{" in rule.pattern else ""
            raise RuleError(rule.file, f"pattern does not compile: {error}{hint}", rule.name) from None
        body = rule.pattern.strip()
        self.is_line_rule = ("MULTILINE" in rule.flags and not rule.replacement and body.startswith("^")
                             and body.endswith("$") and not body.endswith("\\$") and not _LOOKAROUND.search(body))
        if self.is_line_rule and self.pattern.fullmatch(""):
            # It would count every blank line as a hit.
            raise RuleError(rule.file, "pattern matches an empty line; make it require at least one character",
                            rule.name)
        self.scoped = bool(rule.sites or rule.urls)
        self.requires = _literal_patterns(rule.requires, rule.flags)

    def applies_to(self, url: str | None, source: str) -> bool:
        if not self.scoped:
            return True
        # The host is in the URL: a site the URL does not mention needs no parsing of it.
        if url and self.rule.sites and any(site in url.lower() for site in self.rule.sites):
            host = urlsplit(url).hostname or ""
            if any(host == site or host.endswith("." + site) for site in self.rule.sites):
                return True
        return any(p.search(url or source) for p in self.url_patterns)

    def timed_out(self, timeout: float) -> Rejected:
        return Rejected("rules", "rule_timeout",
                        f"rule '{self.name}' ({self.rule.file}) ran longer than {timeout:g} s on this "
                        "document; simplify its pattern or raise --rule_timeout")

    def matches_line(self, line: str, timeout: float) -> bool:
        try:
            return self.pattern.fullmatch(line, timeout=timeout) is not None
        except TimeoutError:
            raise self.timed_out(timeout) from None

    def apply(self, text: str, timeout: float) -> tuple[str, int]:
        """Return the text with every match replaced (every matching line emptied), and the number of matches.

        This is the reference: :class:`RuleSet`'s fast path must give the same result.
        """
        if not self.is_line_rule and not self.requires:
            try:
                return self.pattern.subn(self.rule.replacement, text, timeout=timeout)
            except TimeoutError:
                raise self.timed_out(timeout) from None
        # Line rules, and rules with 'requires' (which look only at the lines holding a literal:
        # a Hill article has a few lines with MORE and dozens without), work line by line.
        holding = _lines_holding(self, text) if self.requires else None
        if holding is not None and not holding:
            return text, 0
        lines = text.split("\n")
        hits = 0
        for index in sorted(holding) if holding is not None else range(len(lines)):
            line = lines[index]
            if self.is_line_rule:
                if self.matches_line(line, timeout):
                    lines[index], hits = "", hits + 1
                continue
            try:
                lines[index], count = self.pattern.subn(self.rule.replacement, line, timeout=timeout)
            except TimeoutError:
                raise self.timed_out(timeout) from None
            hits += count
        return "\n".join(lines), hits


# A line gate judges a line by up to this many first characters; rules still possible after
# that are tried on the line.
_GATE_CHARS = 8
_SCREEN_CHARS = 3
# Bounded, so a stream of novel prefixes cannot grow it without end.
_GATE_VERDICTS = 100_000
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
            if line and by_prefix.get(line[:_SCREEN_CHARS], True):
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
        return regex.compile("".join(kept), rule.pattern.flags)
    except regex.error:
        return None


class RuleSet:
    """All rules, compiled once per process, applied in file and rule order.

    The fast path gives the result of running each rule on its own in order
    (``fast=False``, a test checks it on the whole corpus) with less work: line
    rules that follow each other run in one pass over the lines, each line
    tried only with the rules its :class:`LineGate` lets through; a non-line
    rule that cannot run on this document (out of scope, or its ``requires``
    literal absent) does not split the pass. That is exact because line rules
    only empty lines: they never create a literal, and no line rule matches an
    empty line.
    """

    def __init__(self, rules: Sequence[Rule]):
        self.rules = [CompiledRule(rule) for rule in rules]
        line_rules = [rule for rule in self.rules if rule.is_line_rule]
        self.gate = LineGate(line_rules)
        gate_index = {rule.name: index for index, rule in enumerate(line_rules)}
        self._steps = [(rule, gate_index.get(rule.name)) for rule in self.rules]

    def apply(self, text: str, url: str | None, source: str, timeout: float = DEFAULT_TIMEOUT_SECONDS,
              fast: bool = True) -> tuple[str, dict[str, int]]:
        """Run every rule in scope; return the text and the hits per rule that fired."""
        hits: dict[str, int] = {}
        pending: list[int] = []   # line rules (by gate index) waiting for one pass
        absent: set[regex.Pattern] = set()   # literals the text (as it is now) does not hold
        absent_from = text
        for rule, line_rule in self._steps:
            if rule.scoped and not rule.applies_to(url, source):
                continue
            if fast and line_rule is not None:
                pending.append(line_rule)
                continue
            if absent_from is not text:
                absent, absent_from = set(), text
            if not _holds_a_literal(rule, text, absent):
                continue
            if pending:
                text = self._remove_lines(text, pending, timeout, hits)
                pending = []
            text, count = rule.apply(text, timeout)
            if count:
                hits[rule.name] = count
        if pending:
            text = self._remove_lines(text, pending, timeout, hits)
        return text, {rule.name: hits[rule.name] for rule in self.rules if rule.name in hits}

    def _remove_lines(self, text: str, pending: list[int], timeout: float, hits: dict[str, int]) -> str:
        gate_rules = self.gate.rules
        # Rules with 'requires' look only at the lines holding a literal.
        holding = {i: _lines_holding(gate_rules[i], text) for i in pending if gate_rules[i].requires}
        active = {i for i in pending if holding.get(i, True)}
        if not active:
            return text
        lines = text.split("\n")
        to_try = self.gate.screen(lines)
        for i in self.gate.any_start:
            if i in active:
                for index in holding[i] if i in holding else range(len(lines)):
                    if lines[index]:
                        to_try[index] = tuple(sorted({*to_try.get(index, ()), i}))
        changed = False
        for index, candidates in to_try.items():
            line = lines[index]
            for i in candidates:
                if i not in active or (i in holding and index not in holding[i]):
                    continue
                rule = gate_rules[i]
                if rule.matches_line(line, timeout):
                    lines[index], changed = "", True
                    hits[rule.name] = hits.get(rule.name, 0) + 1
                    break
        return "\n".join(lines) if changed else text


def _literal_patterns(literals: Sequence[str], flags: Sequence[str]) -> tuple[regex.Pattern, ...]:
    # The regex module finds a literal in any case about as fast as str.find finds it in one.
    ignore_case = regex.IGNORECASE if "IGNORECASE" in flags else 0
    return tuple(_literal_pattern(literal, ignore_case) for literal in literals)


@functools.lru_cache(maxsize=None)
def _literal_pattern(literal: str, flags: int) -> regex.Pattern:
    # One object per literal, so that rules sharing one (the hover cards' MORE) share its lookup.
    return regex.compile(regex.escape(literal), flags)


def _holds_a_literal(rule: CompiledRule, text: str, absent: set[regex.Pattern]) -> bool:
    """False when the text holds none of the rule's ``requires`` literals (any case for IGNORECASE rules).

    Remembers in ``absent`` the literals the text does not hold, for the next rule that asks.
    """
    if not rule.requires:
        return True
    for literal in rule.requires:
        if literal not in absent:
            if literal.search(text):
                return True
            absent.add(literal)
    return False


def _lines_holding(rule: CompiledRule, text: str) -> set[int]:
    """Indices of the lines of ``text`` that hold one of the rule's ``requires`` literals."""
    offsets = [match.start() for literal in rule.requires for match in literal.finditer(text)]
    indices, line, counted_to = set(), 0, 0
    for at in sorted(offsets) if len(rule.requires) > 1 else offsets:
        line += text.count("\n", counted_to, at)
        counted_to = at
        indices.add(line)
    return indices


def _string_list(value, file: str, rule: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RuleError(file, f"'{key}' must be a list of strings", rule)
    return tuple(value)


def _parse_example(value, file: str, rule: str, index: int) -> Example:
    if not isinstance(value, dict):
        raise RuleError(file, f"example {index} must be a table with 'input' and 'output'", rule)
    unknown = set(value) - _EXAMPLE_KEYS
    if unknown:
        raise RuleError(file, f"example {index} has unknown key(s) {sorted(unknown)}; allowed: input, output", rule)
    for key in ("input", "output"):
        if not isinstance(value.get(key), str):
            raise RuleError(file, f"example {index} needs a string '{key}'", rule)
    if value["input"] == value["output"]:
        raise RuleError(file, f"example {index} does not change its input; put look-alikes under 'keep'", rule)
    return Example(value["input"], value["output"])


def _parse_rule(table, file: str, index: int) -> Rule:
    if not isinstance(table, dict):
        raise RuleError(file, f"rules[{index}] must be a table")
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise RuleError(file, f"rules[{index}] needs a 'name' of lower-case letters, digits, '.', '_' or '-' (got {name!r})")
    unknown = set(table) - _RULE_KEYS
    if unknown:
        raise RuleError(file, f"unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(_RULE_KEYS))}", name)
    missing = [key for key in _REQUIRED_KEYS if key not in table]
    if missing:
        raise RuleError(file, f"missing required key(s) {missing}", name)
    for key in ("description", "pattern", "replacement"):
        if key in table and not isinstance(table[key], str):
            raise RuleError(file, f"'{key}' must be a string", name)
    if not table["pattern"]:
        raise RuleError(file, "'pattern' is empty", name)
    flags = _string_list(table.get("flags", []), file, name, "flags")
    bad_flags = [flag for flag in flags if flag not in FLAGS]
    if bad_flags:
        raise RuleError(file, f"unknown flag(s) {bad_flags}; allowed: {', '.join(FLAGS)}", name)
    scope = table.get("scope", {})
    if not isinstance(scope, dict) or set(scope) - _SCOPE_KEYS:
        raise RuleError(file, "'scope' must be a table with 'sites' and/or 'urls'", name)
    examples = table["examples"]
    if not isinstance(examples, list) or not examples:
        raise RuleError(file, "'examples' must list at least one input that the rule changes", name)
    keep = _string_list(table["keep"], file, name, "keep")
    if not keep:
        raise RuleError(file, "'keep' must list at least one look-alike the rule must leave alone", name)
    requires = _string_list(table.get("requires", []), file, name, "requires")
    if any(not literal or "\n" in literal for literal in requires):
        raise RuleError(file, "each 'requires' literal must be non-empty text within one line", name)
    parsed_examples = tuple(_parse_example(example, file, name, i + 1) for i, example in enumerate(examples))
    literals = _literal_patterns(requires, flags)
    for i, example in enumerate(parsed_examples, 1):
        if literals and not any(literal.search(example.input) for literal in literals):
            raise RuleError(file, f"example {i} contains none of 'requires' {list(requires)}, so the rule "
                                  "would skip it", name)
    return Rule(
        name=name,
        description=table["description"],
        pattern=table["pattern"],
        file=file,
        replacement=table.get("replacement", ""),
        flags=flags,
        sites=tuple(site.lower() for site in _string_list(scope.get("sites", []), file, name, "scope.sites")),
        urls=_string_list(scope.get("urls", []), file, name, "scope.urls"),
        examples=parsed_examples,
        keep=keep,
        requires=requires,
    )


def parse_rule_file(file: str, content: bytes) -> list[Rule]:
    """Parse one rule file; ``file`` is the name used in error messages."""
    try:
        document = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise RuleError(file, f"not UTF-8: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleError(file, f"not valid TOML: {error}") from None
    unknown = set(document) - {"rules"}
    if unknown:
        raise RuleError(file, f"unknown top-level key(s) {sorted(unknown)}; rules go in [[rules]] tables")
    tables = document.get("rules")
    if not isinstance(tables, list) or not tables:
        raise RuleError(file, "no [[rules]] tables")
    return [_parse_rule(table, file, i) for i, table in enumerate(tables)]


def parse_rules(files: Iterable[tuple[str, bytes]]) -> list[Rule]:
    """Parse and compile the rules of ``(file name, content)`` pairs, in the order given.

    Raises RuleError on the first problem, including a name used twice.
    """
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for file, content in files:
        for rule in parse_rule_file(file, content):
            if rule.name in seen:
                raise RuleError(file, f"name already used in {seen[rule.name]}", rule.name)
            seen[rule.name] = rule.file
            CompiledRule(rule)
            rules.append(rule)
    return rules


def example_failures(rules: Iterable[Rule], timeout: float = DEFAULT_TIMEOUT_SECONDS) -> list[str]:
    """Every failing example and look-alike of every rule, one message each."""
    return [failure for rule in rules for failure in check_examples(rule, timeout)]


def check_examples(rule: Rule, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> list[str]:
    """Run a rule's examples and look-alikes; return one message per failure.

    The rule's result goes through the same layout tidying as the pipeline's
    output, so examples are written as a user would see the cleaned text.
    """
    compiled = CompiledRule(rule)
    where = f"{rule.file}: rule '{rule.name}'"
    failures = []
    cases = [(f"example {i}", e.input, e.output) for i, e in enumerate(rule.examples, 1)]
    cases += [(f"look-alike {i}", text, text) for i, text in enumerate(rule.keep, 1)]
    for label, given, expected in cases:
        try:
            actual = tidy_layout(compiled.apply(given, timeout)[0])
        except Rejected as error:
            failures.append(f"{where}: {label}: {error.detail}")
            continue
        except (regex.error, IndexError) as error:  # IndexError: a group name the pattern lacks
            failures.append(f"{where}: {label}: replacement does not work: {error}")
            continue
        if actual != tidy_layout(expected):
            failures.append(f"{where}: {label}: expected {tidy_layout(expected)!r}, got {actual!r}")
    return failures
