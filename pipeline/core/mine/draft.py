"""Drafting, the pure part of mining: one site's candidate lines to blocks, rules in the project's format
(checked as ``rules test`` checks them) and a report for the person who reviews them.

Each block of furniture becomes one line rule: a full-line match of each of its lines (numbers, dates and
counts generalised, see :mod:`pipeline.core.mine.shapes`), scoped to the site's hosts, with the block in context
from real pages as examples and the site's own prose closest in words to it as look-alikes. A rule that does
not load, is not a line rule or fails its own examples is left out and named in the report: a draft file
passes ``python -m pipeline rules test`` as written.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass

import regex

from pipeline.core.mine.shapes import display, shape_pattern
from pipeline.core.mine.tally import Candidate, Lookalike, MineOptions, Run, SiteEvidence, SiteStats
from pipeline.core.normalize import tidy_layout
from pipeline.core.rules.checks import check_examples
from pipeline.core.rules.compiled import CompiledRule
from pipeline.core.rules.schema import RuleError, parse_rule_file

MAX_EXAMPLES = 3
# Two candidate lines are one block when they sit next to each other on at least this share of the pages
# of the rarer of the two.
BLOCK_SHARE = 0.5
REPORT_SUFFIX = ".report.md"
# A line that ends as a question or with a colon introduces what follows it: on a template site, a block made
# only of such lines is a section heading of the article ('WHY THIS QUESTION MATTERS:', 'What are the
# details?'), content to keep. In a block with other furniture (a list of headlines) it is furniture too.
_HEADING = regex.compile(r"[:?][\"'”’)]*$")


def is_heading(candidate: Candidate) -> bool:
    """True for a line that ends with ':' or '?'."""
    return _HEADING.search(candidate.variants[0][0] if candidate.variants else candidate.shape) is not None


@dataclass(frozen=True)
class SiteDraft:
    site: str
    slug: str
    toml: str      # '' when no rule could be drafted
    report: str
    rules: int


def slug(site: str) -> str:
    """A file and rule name part: ``The Hill`` → ``the-hill``, ``bbc.co.uk`` stays."""
    return regex.sub(r"[^a-z0-9.]+", "-", site.lower()).strip("-.") or "site"


def blocks(candidates: list[Candidate], evidence: SiteEvidence) -> list[list[Candidate]]:
    """Candidates grouped into blocks: lines that are next to each other on most pages that hold them, in the
    order they are printed; largest block (by pages) first."""
    by_shape = {candidate.shape: candidate for candidate in candidates}
    parent = {shape: shape for shape in by_shape}

    def root(shape: str) -> str:
        while parent[shape] != shape:
            shape = parent[shape]
        return shape

    adjacent: Counter = Counter()
    order: dict[str, int] = {}
    for signature, (count, _) in sorted(evidence.runs.items(), key=lambda item: (-item[1][0], item[0])):
        for shape in signature:
            order.setdefault(shape, len(order))
        for first, second in itertools.pairwise(signature):
            if first != second:
                adjacent[tuple(sorted((first, second)))] += count
    for (first, second), count in sorted(adjacent.items()):
        if first in by_shape and second in by_shape and \
                count >= BLOCK_SHARE * min(by_shape[first].docs, by_shape[second].docs):
            parent[root(second)] = root(first)
    groups: dict[str, list[Candidate]] = {}
    for shape in sorted(by_shape, key=lambda s: (order.get(s, len(order)), s)):
        groups.setdefault(root(shape), []).append(by_shape[shape])
    return sorted(groups.values(), key=lambda group: (-max(c.docs for c in group), group[0].shape))


def block_examples(block: list[Candidate], evidence: SiteEvidence) -> list[tuple[str, str]]:
    """``(input, output)`` pairs from real pages that together show every line of the block, fewest first:
    runs made only of the block's lines before mixed ones, then the most common."""
    shapes = {candidate.shape for candidate in block}
    runs = [(sum(s not in shapes for s in signature), -count, signature, run)
            for signature, (count, run) in evidence.runs.items() if shapes & set(signature)]
    covered: set[str] = set()
    examples: list[tuple[str, str]] = []
    for _, _, signature, run in sorted(runs, key=lambda item: item[:3]):
        if len(examples) == MAX_EXAMPLES or covered >= shapes:
            break
        if set(signature) & shapes - covered:
            covered |= set(signature) & shapes
            examples.append(_example(run, shapes))
    return examples


def _example(run: Run, shapes: set[str]) -> tuple[str, str]:
    # A line rule empties the line: inside a paragraph that leaves a paragraph break, as the output will.
    kept = ["" if shape in shapes else line for line, shape in zip(run.lines, run.shapes, strict=True)]
    return "\n".join(run.lines), tidy_layout("\n".join(kept))


def block_lookalikes(block: list[Candidate], evidence: SiteEvidence) -> list[Lookalike]:
    """The site's prose lines closest in words to the block's lines; any prose line of the site if none is."""
    found = sorted({lookalike for c in block for lookalike in evidence.lookalikes.get(c.shape, [])},
                   key=Lookalike.rank)
    unique: list[Lookalike] = []
    for lookalike in found:
        if lookalike.line not in {kept.line for kept in unique}:
            unique.append(lookalike)
    if not unique and evidence.fallback is not None:
        unique.append(evidence.fallback)
    return unique[:3]


def _basic(text: str) -> str:
    # A JSON string is a TOML basic string, once DEL (which TOML forbids unescaped) is escaped.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _literal_or_basic(text: str) -> str:
    # Patterns read best unescaped, in a literal string, when they can be one: TOML's literal strings take no
    # escapes, so a pattern with a control character (a newline too) must be a basic string.
    if "'''" in text or text.endswith("'") or _COMMENT_UNSAFE.search(text):
        return _basic(text)
    return f"'''{text}'''"


# A newline ends a TOML comment (what follows is read as keys and tables), TOML refuses the other control
# characters in one, and editors show U+0085, U+2028 and U+2029 as line breaks: each is written as its escape.
_COMMENT_UNSAFE = regex.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def comment_text(text: str) -> str:
    r"""``text`` safe in one TOML comment line, whatever input it came from.

    >>> comment_text('Example News')
    'Example News'
    >>> comment_text('News\n[[rules]]\x1b')
    'News\\n[[rules]]\\u001b'
    """
    return _COMMENT_UNSAFE.sub(lambda m: _SHORT_ESCAPES.get(m[0], f"\\u{ord(m[0]):04x}"), text)


def block_pattern(block: list[Candidate]) -> str:
    alternatives = [shape_pattern(candidate.shape) for candidate in block]
    return f"^{alternatives[0]}$" if len(alternatives) == 1 else f"^(?:{'|'.join(alternatives)})$"


def _where(candidate: Candidate) -> str:
    return max(candidate.positions, key=lambda item: item[1])[0] if candidate.positions else "middle"


def render_rule(name: str, description: str, pattern: str, hosts: list[str], keep: list[str],
                examples: list[tuple[str, str]], comment: str) -> str:
    lines = [*(f"# {comment_text(line)}" for line in comment.split("\n")), "[[rules]]", f"name = {_basic(name)}",
             f"description = {_basic(description)}", f"pattern = {_literal_or_basic(pattern)}",
             'flags = ["MULTILINE"]', f"scope = {{ sites = [{', '.join(_basic(host) for host in hosts)}] }}",
             f"keep = [{', '.join(_basic(line) for line in keep)}]"]
    for given, expected in examples:
        lines += ["", "[[rules.examples]]", f"input = {_basic(given)}", f"output = {_basic(expected)}"]
    return "\n".join(lines) + "\n"


def rule_problems(file: str, text: str) -> list[str]:
    """Why a rendered rule cannot be adopted as written: it does not load, is not a line rule, or fails an
    example or look-alike. Empty when it passes."""
    try:
        (rule,) = parse_rule_file(file, text.encode("utf-8"))
        if not CompiledRule(rule).is_line_rule:
            return [f"{file}: rule '{rule.name}': not a line rule"]
    except RuleError as error:
        return error.problems
    return check_examples(rule)


def draft_site(site: str, stats: SiteStats, candidates: list[Candidate], excluded: list[Candidate],
               evidence: SiteEvidence, options: MineOptions, source: str) -> SiteDraft:
    """One site's rule file and report; see the module's docstring."""
    name = slug(site)
    file = f"{name}.toml"
    total = len(stats.docs)
    hosts = [site] if options.by == "site" else sorted(stats.hosts)
    rules: list[str] = []
    drafted: list[tuple[str, list[Candidate], list[str], list[str]]] = []
    left_out: list[str] = []
    headings: list[Candidate] = []
    for block in blocks(candidates, evidence) if hosts else []:
        if all(is_heading(c) for c in block):
            headings += block
            continue
        rule_name = f"mine-{name}-{len(rules) + 1:02d}"
        keep = [lookalike.line for lookalike in block_lookalikes(block, evidence)]
        pages = max(c.docs for c in block)
        if not keep:
            left_out.append(f"`{display(block[0].shape)}`: no prose line of the site to use as a look-alike")
            continue
        lead = block[0]
        more = f" and {len(block) - 1} more line(s) of its block" if len(block) > 1 else ""
        description = (f"{site}: '{display(lead.shape)}'{more}, on {pages} of {total} pages, mostly at the "
                       f"{_where(lead)}; drafted by 'python -m pipeline mine', review before adopting.")
        comment = "\n".join(f"{c.docs:5d} pages ({c.share:.1%}): {display(c.shape)}" for c in block)
        text = render_rule(rule_name, description, block_pattern(block), hosts, keep,
                           block_examples(block, evidence), comment)
        problems = rule_problems(file, text)
        if problems:
            left_out.append(f"`{display(block[0].shape)}`: {'; '.join(problems)}")
            continue
        rules.append(text)
        near = sorted({n for c in block for n in evidence.near.get(c.shape, [])}, key=Lookalike.rank)
        drafted.append((rule_name, block, keep, [n.line for n in near[:3]]))
    header = (f"# Draft rules for {comment_text(site)}, mined by 'python -m pipeline mine' from "
              f"{comment_text(source)}.\n"
              f"# Review {name}{REPORT_SUFFIX} first; move the rules you adopt into a rules folder.\n\n")
    toml = header + "\n".join(rules) if rules else ""
    left_out += [f"`{display(c.shape)}` ({c.docs} pages): ends with ':' or '?', a heading of the article's template"
                 for c in headings]
    report = _report(site, total, hosts, drafted, excluded, left_out, options, source)
    return SiteDraft(site=site, slug=name, toml=toml, report=report, rules=len(rules))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def _report(site: str, total: int, hosts: list[str],
            drafted: list[tuple[str, list[Candidate], list[str], list[str]]],
            excluded: list[Candidate], left_out: list[str], options: MineOptions, source: str) -> str:
    # The group's name, ids and the input glob come from input: escaped, so none can start a line of its own.
    out = [f"# {comment_text(site)}: furniture mined from {comment_text(source)}", "",
           f"{total} pages (distinct texts); scope: {', '.join(hosts) or 'none (no URL: cannot scope a rule)'}. "
           f"A line is a candidate on at least {options.min_docs} pages and {options.min_share:.0%} of the site's; "
           f"it is left out when it is on the pages of {options.max_sites} sites or more (cross-site test).", "",
           f"## Rules drafted: {len(drafted)}", ""]
    for rule_name, block, keep, near in drafted:
        out += [f"### {rule_name}", "", "| line (shape) | pages | share | top / middle / bottom | variants seen |",
                "|---|---|---|---|---|"]
        for c in block:
            where = dict(c.positions)
            variants = "; ".join(f"`{_cell(line)}` ×{count}" for line, count in c.variants[:3])
            out.append(f"| `{_cell(display(c.shape))}` | {c.docs} | {c.share:.1%} | "
                       f"{where.get('top', 0)} / {where.get('middle', 0)} / {where.get('bottom', 0)} | {variants} |")
        ids = sorted({i for c in block for i in c.ids})[:5]
        if len(block) == 1 and _where(block[0]) == "middle" and len(display(block[0].shape).split()) <= 4:
            out += ["", "Check: one short line in the middle of pages may be a section heading of the site's "
                        "template, which is content."]
        out += ["", f"Example pages: {comment_text(', '.join(ids))}", "", "Look-alikes kept (the site's own prose):",
                *(f"- {_cell(line)}" for line in keep), ""]
        if near:
            out += ["Lines on one page each that share most of its words, left alone (variants to add by hand?):",
                    *(f"- {_cell(line)}" for line in near), ""]
    out += [f"## Left out by the cross-site test: {len(excluded)}", ""]
    if excluded:
        out += ["| line (shape) | pages here | sites |", "|---|---|---|"]
        out += [f"| `{_cell(display(c.shape))}` | {c.docs} | {c.sites} |"
                for c in sorted(excluded, key=lambda c: (-c.docs, c.shape))[:20]]
        out.append("")
    if left_out:
        out += [f"## Left out, not drafted: {len(left_out)}", "", *(f"- {_cell(why)}" for why in left_out), ""]
    return "\n".join(out)
