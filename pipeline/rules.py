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
    it can never reach into a neighbouring line.
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
        self.scoped = bool(rule.sites or rule.urls)
        self.ignore_case = "IGNORECASE" in rule.flags
        self.requires = tuple(literal.lower() for literal in rule.requires) if self.ignore_case else rule.requires
        self.batch = LineBatch([self]) if self.is_line_rule else None

    def may_match(self, text: str, lowered: str | None = None) -> bool:
        """False when the text holds none of the rule's ``requires`` literals (any case for IGNORECASE rules)."""
        if not self.requires:
            return True
        haystack = (lowered if lowered is not None else text.lower()) if self.ignore_case else text
        return any(literal in haystack for literal in self.requires)

    def applies_to(self, url: str | None, source: str) -> bool:
        if not self.scoped:
            return True
        host = (urlsplit(url).hostname or "") if url else ""
        if any(host == site or host.endswith("." + site) for site in self.rule.sites):
            return True
        return any(p.search(url or source) for p in self.url_patterns)

    def timed_out(self, timeout: float) -> Rejected:
        return Rejected("rules", "rule_timeout",
                        f"rule '{self.name}' ({self.rule.file}) ran longer than {timeout:g} s on this "
                        "document; simplify its pattern or raise --rule_timeout")

    def apply(self, text: str, timeout: float, fast: bool = True, lowered: str | None = None) -> tuple[str, int]:
        """Return the text with every match replaced (every matching line emptied), and the number of matches."""
        if self.requires:
            return self._apply_to_lines_with_literals(text, timeout, lowered)
        if self.is_line_rule:
            text, hits = self.batch.apply(text, timeout) if fast else remove_lines(text, [self], timeout)
            return text, hits.get(self.name, 0)
        try:
            return self.pattern.subn(self.rule.replacement, text, timeout=timeout)
        except TimeoutError:
            raise self.timed_out(timeout) from None


    def _apply_to_lines_with_literals(self, text: str, timeout: float, lowered: str | None) -> tuple[str, int]:
        # A rule with 'requires' looks only at the lines that hold one of its literals, each on its own:
        # a Hill article has a few lines with MORE and dozens without.
        if not self.may_match(text, lowered):
            return text, 0
        lines = text.split("\n")
        hits = 0
        for index, line in enumerate(lines):
            if not self.may_match(line):
                continue
            try:
                if self.is_line_rule:
                    if self.pattern.fullmatch(line, timeout=timeout):
                        lines[index], hits = "", hits + 1
                else:
                    lines[index], count = self.pattern.subn(self.rule.replacement, line, timeout=timeout)
                    hits += count
            except TimeoutError:
                raise self.timed_out(timeout) from None
        return "\n".join(lines), hits


def remove_lines(text: str, rules: Sequence[CompiledRule], timeout: float) -> tuple[str, dict[str, int]]:
    """Empty every line that one of ``rules`` matches in full; the first rule that matches gets the hit.

    The reference for :class:`LineBatch`, which does the same in one scan.
    """
    hits: dict[str, int] = {}
    lines = text.split("\n")
    for index, line in enumerate(lines):
        for rule in rules:
            try:
                matched = rule.pattern.fullmatch(line, timeout=timeout)
            except TimeoutError:
                raise rule.timed_out(timeout) from None
            if matched:
                lines[index] = ""
                hits[rule.name] = hits.get(rule.name, 0) + 1
                break
    return "\n".join(lines), hits


def _scoped(rule: CompiledRule) -> str:
    flags = "".join(flag for name, flag in (("IGNORECASE", "i"), ("DOTALL", "s"), ("VERBOSE", "x"))
                    if name in rule.rule.flags)
    # The newline ends a VERBOSE pattern's last comment before the group closes.
    end = "\n" if "x" in flags else ""
    return f"(?{flags}:{rule.rule.pattern}{end})"


class LineBatch:
    """Consecutive unscoped line rules, run as one scan of the text instead of one scan each.

    Equal to :func:`remove_lines` (a test checks it on the whole corpus): a line is
    emptied when an alternative matches it from its start to its end; a match
    that would cross a line, or a scan that times out, sends the document to
    :func:`remove_lines`, which never crosses lines and names the slow rule.
    """

    def __init__(self, rules: Sequence[CompiledRule]):
        self.rules = list(rules)
        alternatives = "|".join(f"(?P<r{i}>{_scoped(rule)})" for i, rule in enumerate(self.rules))
        # A literal newline before each candidate line lets the engine skip from line to line.
        self.scan = regex.compile(f"\\n(?:{alternatives})(?=\\n)", regex.MULTILINE)

    def apply(self, text: str, timeout: float) -> tuple[str, dict[str, int]]:
        framed = f"\n{text}\n"
        try:
            matches = list(self.scan.finditer(framed, timeout=timeout))
        except TimeoutError:
            return remove_lines(text, self.rules, timeout)
        if not matches:
            return text, {}
        if any("\n" in framed[m.start() + 1:m.end()] for m in matches):
            return remove_lines(text, self.rules, timeout)
        hits: dict[str, int] = {}
        kept, position = [], 1
        for match in matches:
            kept.append(framed[position:match.start() + 1])
            position = match.end()
            name = self.rules[int(match.lastgroup[1:])].name
            hits[name] = hits.get(name, 0) + 1
        kept.append(framed[position:-1])
        return "".join(kept), hits


class RuleSet:
    """All rules, compiled once per process, applied in file and rule order."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = [CompiledRule(rule) for rule in rules]
        groups: list[CompiledRule | list[CompiledRule]] = []
        for rule in self.rules:
            # A rule that is scoped or has 'requires' runs on its own, so it can be skipped per document.
            batchable = rule.is_line_rule and not rule.scoped and not rule.requires
            if batchable and groups and isinstance(groups[-1], list):
                groups[-1].append(rule)
            else:
                groups.append([rule] if batchable else rule)
        self.steps = [LineBatch(group) if isinstance(group, list) else group for group in groups]

    def apply(self, text: str, url: str | None, source: str, timeout: float = DEFAULT_TIMEOUT_SECONDS,
              fast: bool = True) -> tuple[str, dict[str, int]]:
        """Run every rule in scope; return the text and the hits per rule that fired.

        ``fast=False`` runs each line rule on its own, line by line: the reference
        the fast path must equal.
        """
        hits: dict[str, int] = {}
        lowered, lowered_from = None, None
        for step in self.steps:
            if isinstance(step, LineBatch):
                text, step_hits = step.apply(text, timeout) if fast else remove_lines(text, step.rules, timeout)
                hits.update(step_hits)
            elif step.applies_to(url, source):
                if step.requires and step.ignore_case and lowered_from is not text:
                    lowered, lowered_from = text.lower(), text   # once per version of the text
                text, count = step.apply(text, timeout, fast, lowered if lowered_from is text else None)
                if count:
                    hits[step.name] = count
        return text, hits


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
    parsed_examples = tuple(_parse_example(example, file, name, i + 1) for i, example in enumerate(examples))
    fold = str.lower if "IGNORECASE" in flags else str
    for i, example in enumerate(parsed_examples, 1):
        if requires and not any(fold(literal) in fold(example.input) for literal in requires):
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
