"""Rule files as users write them: the TOML schema, parsed into plain :class:`Rule` data.

A rule file holds one or more ``[[rules]]`` tables::

    [[rules]]
    name = "comment-widget"
    description = "The comment counter and loader line a widget leaves at the end."
    pattern = '''^• Comments$'''
    replacement = ""                  # optional; default removes the match
    flags = ["MULTILINE"]             # optional: IGNORECASE, MULTILINE, DOTALL, VERBOSE (or inline, '(?m)')
    scope = { sites = ["thehill.com"], urls = ['/opinion/'] }   # optional
    keep = ["Comments were closed."]  # look-alikes that must come out unchanged
    requires = ["Comments"]           # optional: look only at lines holding one of these
    block = { position = "end", min_lines = 3, max_line_chars = 120 }   # optional: see below

    [[rules.examples]]                # inputs that must change, and how
    input = "Body.\\n\\n• Comments"
    output = "Body."

With ``block``, the rule removes *runs* of lines rather than single lines:
``pattern`` is the shape each line of the run must match in full (blank lines
between them are skipped), ``position`` where the run must sit (``start`` or
``end`` of the text, ``after-label``: right after a line matching ``label``,
which goes too; ``anywhere``), ``min_lines`` how many lines it needs at
least, ``max_line_chars`` how long each of its lines may be. A block rule's
``requires`` literals are its label's (after-label), or else those every line
of its run holds.

Every problem of a file is reported, each on a line naming the file and the
rule; what a pattern means is :mod:`pipeline.core.rules.compiled`'s business.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

import regex

FLAGS = {
    "IGNORECASE": regex.IGNORECASE,
    "MULTILINE": regex.MULTILINE,
    "DOTALL": regex.DOTALL,
    "VERBOSE": regex.VERBOSE,
}
_RULE_KEYS = {"name", "description", "pattern", "replacement", "flags", "scope", "examples", "keep", "requires",
              "block"}
_REQUIRED_KEYS = ("name", "description", "pattern", "examples", "keep")
_SCOPE_KEYS = {"sites", "urls"}
_EXAMPLE_KEYS = {"input", "output"}
_BLOCK_KEYS = {"position", "min_lines", "max_line_chars", "label"}
BLOCK_POSITIONS = ("start", "end", "after-label", "anywhere")
_NAME = regex.compile(r"[a-z0-9][a-z0-9._-]*")


class RuleError(ValueError):
    """Rule files that cannot be used: one or more problems, each naming its file and rule.

    >>> str(RuleError("ads.toml", "'pattern' is empty", "ad-line"))
    "ads.toml: rule 'ad-line': 'pattern' is empty"
    """

    def __init__(self, file: str = "", problem: str = "", rule: str | None = None, *,
                 problems: list[str] | None = None):
        if problems is None:
            where = f"{file}: rule '{rule}'" if rule else file
            problems = [f"{where}: {problem}"]
        self.problems = problems
        super().__init__("\n".join(problems))

    @classmethod
    def combine(cls, errors: list[RuleError]) -> RuleError:
        return cls(problems=[problem for error in errors for problem in error.problems])


@dataclass(frozen=True)
class Example:
    input: str
    output: str


@dataclass(frozen=True)
class Block:
    """Where a block rule's run of lines sits and how much evidence it needs (see the module docstring)."""

    position: str
    min_lines: int
    max_line_chars: int
    label: str | None = None   # after-label only: the pattern of the label line, matched in full


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
    block: Block | None = None

    @property
    def regex_flags(self) -> int:
        """The listed flags as ``regex`` flags (inline flags are the compiled pattern's)."""
        flags = 0
        for flag in self.flags:
            flags |= FLAGS[flag]
        return flags


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


def _parse_block(value, file: str, rule: str) -> Block:
    if not isinstance(value, dict):
        raise RuleError(file, "'block' must be a table with 'position', 'min_lines', 'max_line_chars'", rule)
    unknown = set(value) - _BLOCK_KEYS
    if unknown:
        raise RuleError(file, f"'block' has unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(_BLOCK_KEYS))}",
                        rule)
    missing = [key for key in ("position", "min_lines", "max_line_chars") if key not in value]
    if missing:
        raise RuleError(file, f"'block' is missing {missing}: a block rule states where its run sits, how many "
                              "lines it needs and how long they may be", rule)
    position = value["position"]
    if position not in BLOCK_POSITIONS:
        raise RuleError(file, f"'block.position' must be one of {', '.join(BLOCK_POSITIONS)} (got {position!r})", rule)
    for key in ("min_lines", "max_line_chars"):
        # bool is an int in Python; 'min_lines = true' is a mistake, not 1.
        if not isinstance(value[key], int) or isinstance(value[key], bool) or value[key] < 1:
            raise RuleError(file, f"'block.{key}' must be a whole number of at least 1", rule)
    label = value.get("label")
    if position == "after-label" and not (isinstance(label, str) and label):
        raise RuleError(file, "'block.position' after-label needs 'block.label', the pattern of the label line", rule)
    if position != "after-label" and label is not None:
        raise RuleError(file, f"'block.label' only goes with position after-label, not {position}", rule)
    return Block(position=position, min_lines=value["min_lines"], max_line_chars=value["max_line_chars"],
                 label=label)


def parse_rule(table, file: str, index: int) -> Rule:
    """One ``[[rules]]`` table as a :class:`Rule`; raises RuleError on the first problem of that table."""
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
    block = _parse_block(table["block"], file, name) if "block" in table else None
    if block and "replacement" in table:
        raise RuleError(file, "a block rule takes no 'replacement': its blocks are removed whole", name)
    return Rule(
        name=name,
        description=table["description"],
        pattern=table["pattern"],
        file=file,
        replacement=table.get("replacement", ""),
        flags=flags,
        sites=tuple(site.lower() for site in _string_list(scope.get("sites", []), file, name, "scope.sites")),
        urls=_string_list(scope.get("urls", []), file, name, "scope.urls"),
        examples=tuple(_parse_example(example, file, name, i + 1) for i, example in enumerate(examples)),
        keep=keep,
        requires=requires,
        block=block,
    )


def parse_rule_file(file: str, content: bytes) -> list[Rule]:
    """Parse one rule file; ``file`` is the name used in error messages.

    Raises one RuleError listing the problem of every table that has one.
    """
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
    rules, errors = [], []
    for index, table in enumerate(tables):
        try:
            rules.append(parse_rule(table, file, index))
        except RuleError as error:
            errors.append(error)
    if errors:
        raise RuleError.combine(errors)
    return rules
