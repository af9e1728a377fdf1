"""The report as one self-contained HTML page: inline style, inline SVG charts, no script, font or image
from anywhere (it opens offline, from a bucket download or an e-mail attachment alike).

Every count a test or a person checks carries a ``data-count`` attribute naming it.
"""

from __future__ import annotations

from html import escape

from pipeline.commands.report.compare import Comparison
from pipeline.commands.report.runs import SAMPLES, Run

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; color: #1d2330; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { border-bottom: 2px solid #dfe3ea; padding-bottom: .2rem;
margin-top: 2.2rem; } h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta { color: #5b6475; margin-top: 0; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; }
.card { border: 1px solid #dfe3ea; border-radius: 8px; padding: .6rem 1rem; min-width: 130px; }
.card b { display: block; font-size: 1.6rem; } .card span { color: #5b6475; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { text-align: left; padding: .25rem .7rem;
border-bottom: 1px solid #eceff4; vertical-align: top; } td.n, th.n { text-align: right;
font-variant-numeric: tabular-nums; }
.charts { display: flex; gap: 2rem; flex-wrap: wrap; } figure { margin: 0; } figcaption { font-weight: 600; }
svg text { font: 12px system-ui, sans-serif; fill: #1d2330; }
.sample { font: 13px/1.5 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word;
          background: #f7f8fa; border-left: 3px solid #c9ced8; padding: .4rem .6rem; margin: .3rem 0; }
.sample del { background: #ffd9d6; color: #8a1c12; text-decoration: line-through; }
.sample ins { background: #d9f2dd; color: #135c22; text-decoration: none; }
.sample .ctx { color: #6b7385; }
.where { font: 12px system-ui, sans-serif; color: #5b6475; }
.gained { color: #135c22; } .lost { color: #8a1c12; }
details { margin: .3rem 0; } summary { cursor: pointer; font-weight: 600; }
"""
_CHART_WIDTH, _LABEL_WIDTH, _BAR_HEIGHT = 520, 190, 20
# Characters of context shown either side of a removal (the ledger keeps more).
_CONTEXT = 60
# Characters shown of a removed text, an id or a file name: a page about a run stays a page, whatever the input.
_SHOWN = 2000
_SHOWN_NAME = 200


def render(run: Run, comparison: Comparison | None = None) -> str:
    """The whole page for ``run``, with what changed since the other run when given ``comparison``."""
    parts = [f"<h1>newsclean report</h1><p class=meta>run: <code>{escape(run.folder)}</code>"]
    if comparison:
        parts.append(f" compared with <code>{escape(comparison.before.folder)}</code>")
    parts.append("</p>")
    # What extraction removed comes first, as it happened first; a run without pages has no such section.
    parts += [_documents(run), _extraction(run), _rules(run), _mass_removal(run), _sites(run), _rejected(run)]
    if comparison:
        parts.append(_comparison(comparison))
    body = "\n".join(parts)
    return (f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'>"
            f"<title>newsclean report: {escape(run.folder)}</title><style>{_STYLE}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")


def _count(name: str, value: int) -> str:
    return f"<b data-count='{escape(name)}'>{value:,}</b>"


def _documents(run: Run) -> str:
    docs, summary = run.summary["documents"], run.summary
    cards = "".join(f"<div class=card>{_count(f'documents.{name}', docs[name])}<span>{name}</span></div>"
                    for name in ("read", "clean", "rejected", "duplicates"))
    cards += (f"<div class=card>{_count('headline_repeats', summary['headline_repeats_removed'])}"
              f"<span>headline repeats removed</span></div>"
              # A run written before the step existed has no count of it.
              f"<div class=card>{_count('repeated_paragraphs', summary.get('repeated_paragraphs_removed', 0))}"
              f"<span>repeated paragraphs removed</span></div>"
              f"<div class=card>{_count('mass_removal', summary['flagged_mass_removal'])}"
              f"<span>flagged for mass removal</span></div>")
    reasons = "".join(f"<tr><td>{escape(reason)}</td><td class=n data-count='rejected.{escape(reason)}'>{count:,}</td></tr>"
                      for reason, count in summary["rejected_by_reason"].items())
    table = (f"<table><tr><th>rejected because</th><th class=n>documents</th></tr>{reasons}</table>" if reasons
             else "<p>No document was rejected.</p>")
    languages = "".join(f"<tr><td>{escape(code)}</td><td class=n data-count='language.{escape(code)}'>{count:,}</td></tr>"
                        for code, count in summary["languages"].items())
    if languages:
        table += f"<table><tr><th>language (clean)</th><th class=n>documents</th></tr>{languages}</table>"
    return f"<section id=documents><h2>Documents</h2><div class=cards>{cards}</div>{table}</section>"


def _bars(title: str, rows: list[tuple[str, int]], colour: str) -> str:
    """A horizontal bar chart, drawn as inline SVG."""
    top = max((value for _, value in rows), default=0) or 1
    height = _BAR_HEIGHT * len(rows) + 6
    bars = []
    for i, (label, value) in enumerate(rows):
        y = i * _BAR_HEIGHT + 3
        width = max(1, round((_CHART_WIDTH - _LABEL_WIDTH - 60) * value / top)) if value else 0
        bars.append(f"<text x={_LABEL_WIDTH - 6} y={y + 14} text-anchor=end>{escape(label)}</text>"
                    f"<rect x={_LABEL_WIDTH} y={y + 2} width={width} height={_BAR_HEIGHT - 5} fill='{colour}' rx=2>"
                    f"<title>{escape(label)}: {value:,}</title></rect>"
                    f"<text x={_LABEL_WIDTH + width + 5} y={y + 14}>{value:,}</text>")
    return (f"<figure><figcaption>{escape(title)}</figcaption><svg role=img aria-label='{escape(title)}' "
            f"width={_CHART_WIDTH} height={height} viewBox='0 0 {_CHART_WIDTH} {height}'>{''.join(bars)}</svg></figure>")


def _capped(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters, escaped, saying how much more there was.

    >>> _capped("a<b", 10), _capped("abcdef", 3)
    ('a&lt;b', 'abc… (3 more characters)')
    """
    if len(text) <= limit:
        return escape(text)
    return f"{escape(text[:limit])}… ({len(text) - limit:,} more characters)"


def _removal(removal: dict, marker: str = "del") -> str:
    """A removal in its context, and where it was."""
    shown = f"<{marker}>{_capped(removal['text'], _SHOWN)}</{marker}>"
    if removal["replacement"]:
        shown += f"<ins>{_capped(removal['replacement'], _SHOWN)}</ins>"
    where = f"{_place(removal)} · {escape(removal['cause'])} [{removal['start']}:{removal['end']}]"
    if removal.get("score") is not None:   # the line model's; older ledgers have no score
        where += f" · score {removal['score']:.3f}"
    if removal.get("path"):   # an extract removal: offsets into the page's full text, and where in the page
        where += f" of the page's full text · <code>{_capped(removal['path'], _SHOWN_NAME)}</code>"
    before, after = removal["before"], removal["after"]
    before = ("…" if len(before) > _CONTEXT else "") + before[-_CONTEXT:]
    after = after[:_CONTEXT] + ("…" if len(after) > _CONTEXT else "")
    return (f"<div class=sample><span class=ctx>{escape(before)}</span>{shown}"
            f"<span class=ctx>{escape(after)}</span></div><div class=where>{where}</div>")


def _place(record: dict) -> str:
    """Which document: id, input file and line (JSONL line, Parquet row, WARC record)."""
    line = "" if record["line"] is None else f" line {record['line']}"
    return f"{_capped(record['id'] or '(no id)', _SHOWN_NAME)} · {_capped(record['input_file'], _SHOWN_NAME)}{line}"


def _rules(run: Run) -> str:
    rows = run.rules
    if not rows:
        return "<section id=rules><h2>Removals per rule</h2><p>No rule removed anything.</p></section>"
    charts = (_bars("hits per rule", [(row.cause, row.hits) for row in rows], "#4c78a8")
              + _bars("words removed per rule", [(row.cause, row.words) for row in rows], "#e45756"))
    table = "".join(
        f"<tr><td>{escape(row.cause)}</td><td>{escape(row.step)}</td>"
        f"<td class=n data-count='hits.{escape(row.cause)}'>{row.hits:,}</td><td class=n>{row.documents:,}</td>"
        f"<td class=n data-count='words.{escape(row.cause)}'>{row.words:,}</td></tr>" for row in rows)
    samples = "".join(
        f"<details open><summary>{escape(row.cause)}: {min(SAMPLES, row.hits)} of {row.hits:,} removals</summary>"
        f"{''.join(_removal(removal) for removal in row.samples)}</details>" for row in rows)
    return (f"<section id=rules><h2>Removals per rule</h2><div class=charts>{charts}</div>"
            f"<table><tr><th>rule</th><th>step</th><th class=n>hits</th><th class=n>documents</th>"
            f"<th class=n>words removed</th></tr>{table}</table><h3>Sampled removals, in context</h3>{samples}</section>")


def _mass_removal(run: Run) -> str:
    flagged = run.mass_removal
    head = "<section id=mass-removal><h2>Documents flagged for mass removal</h2>"
    if not flagged:
        return head + "<p>No document lost more than the flagging share of its words to the rules.</p></section>"
    items = "".join(
        f"<details><summary>{_capped(record['id'] or '', _SHOWN_NAME)}: {_capped(record['title'], _SHOWN_NAME)} — "
        f"{record['stats']['words_removed_by_rules']:.0%} of words removed</summary>"
        f"{''.join(_removal(removal) for removal in removals)}</details>" for record, removals in flagged)
    count = run.mass_removal_count
    more = f"<p>and {count - len(flagged):,} more.</p>" if count > len(flagged) else ""
    return f"{head}<p>{_count('mass_removal.listed', count)} document(s)</p>{items}{more}</section>"


def _sites(run: Run) -> str:
    rows = "".join(f"<tr><td>{_capped(row.site, _SHOWN_NAME)}</td><td class=n>{row.documents:,}</td>"
                   f"<td class=n>{row.removals:,}</td><td class=n>{row.words:,}</td></tr>" for row in run.sites)
    if not rows:
        return "<section id=sites><h2>Sites with the most removed</h2><p>Nothing was removed.</p></section>"
    return ("<section id=sites><h2>Sites with the most removed</h2><table><tr><th>site (or input file)</th>"
            "<th class=n>clean documents</th><th class=n>removals</th><th class=n>words removed</th></tr>"
            f"{rows}</table></section>")


def _extraction(run: Run) -> str:
    extraction = run.extraction
    head = ("<section id=extraction><h2>What extraction removed from pages</h2>"
            "<p>What the article extraction of HTML and WARC pages left out of each page's full text "
            "(<code>--html_mode full</code>), and why: the ledger's <code>extract</code> removals.</p>")
    if not extraction.causes:
        return ""
    rows = extraction.causes
    table = "".join(
        f"<tr><td>{escape(row.cause)}</td><td class=n data-count='extract.hits.{escape(row.cause)}'>{row.hits:,}</td>"
        f"<td class=n>{row.documents:,}</td>"
        f"<td class=n data-count='extract.words.{escape(row.cause)}'>{row.words:,}</td></tr>" for row in rows)
    sites = "".join(
        f"<tr><td>{_capped(site.site, _SHOWN_NAME)}</td><td class=n data-count='extract.pages.{escape(site.site)}'>"
        f"{site.pages:,}</td><td class=n>{site.removals:,}</td><td class=n>{site.words:,}</td>"
        f"<td>{escape(', '.join(f'{cause} {words:,}' for cause, words in site.words_by_cause.most_common(3)))}</td>"
        f"</tr>" for site in extraction.sites)
    more = (f"<p>and {extraction.site_count - len(extraction.sites):,} more sites.</p>"
            if extraction.site_count > len(extraction.sites) else "")
    examples = "".join(
        f"<details open><summary>{_capped(site.site, _SHOWN_NAME)}: {len(site.samples)} of {site.removals:,} "
        f"removals</summary>{''.join(_removal(removal) for removal in site.samples)}</details>"
        for site in extraction.sites)
    return (f"{head}<div class=charts>{_bars('words left out, per cause', [(r.cause, r.words) for r in rows], '#b279a2')}"
            f"</div><table><tr><th>cause</th><th class=n>removals</th><th class=n>pages</th>"
            f"<th class=n>words</th></tr>{table}</table>"
            f"<h3>Per site</h3><table><tr><th>site (or input file)</th><th class=n>pages</th><th class=n>removals</th>"
            f"<th class=n>words</th><th>most words</th></tr>{sites}</table>{more}"
            f"<h3>Examples, per site</h3>{examples}</section>")


def _rejected(run: Run) -> str:
    samples = run.rejected
    if not samples:
        return "<section id=rejected><h2>Rejected documents</h2><p>None.</p></section>"
    parts = []
    for reason, records in samples.items():
        items = "".join(
            f"<div class=sample>{escape(record['raw_start'])}</div>"
            f"<div class=where>{_place(record)} · {_capped(record['detail'], _SHOWN)}</div>" for record in records)
        parts.append(f"<details open><summary>{escape(reason)}</summary>{items}</details>")
    return f"<section id=rejected><h2>Rejected documents, by reason</h2>{''.join(parts)}</section>"


def _comparison(comparison: Comparison) -> str:
    head = (f"<section id=compare><h2>What changed since <code>{escape(comparison.before.folder)}</code></h2>"
            f"<div class=cards><div class=card>{_count('compare.changed', comparison.changed_count)}"
            f"<span>documents whose text differs</span></div>"
            f"<div class=card>{_count('compare.gained', sum(r.gained for r in comparison.rules))}"
            f"<span>removals gained</span></div>"
            f"<div class=card>{_count('compare.lost', sum(r.lost for r in comparison.rules))}"
            f"<span>removals lost</span></div></div>")
    if comparison.documents_only_before or comparison.documents_only_after:
        head += (f"<p>Not the same input: {comparison.documents_only_before:,} document(s) only in the other run, "
                 f"{comparison.documents_only_after:,} only in this one.</p>")
    rows = "".join(f"<tr><td>{escape(change.cause)}</td>"
                   f"<td class='n gained' data-count='gained.{escape(change.cause)}'>+{change.gained:,}</td>"
                   f"<td class='n lost' data-count='lost.{escape(change.cause)}'>−{change.lost:,}</td></tr>"
                   for change in comparison.rules)
    table = (f"<table><tr><th>rule</th><th class=n>gained</th><th class=n>lost</th></tr>{rows}</table>" if rows
             else "<p>The same removals in both runs.</p>")
    examples = "".join(
        f"<details open><summary>{escape(change.cause)}</summary>"
        + "".join(f"<p class=gained>removed now, not before:</p>{_removal(r)}" for r in change.gained_samples)
        + "".join(f"<p class=lost>removed before, kept now:</p>{_removal(r, 'ins')}" for r in change.lost_samples)
        + "</details>" for change in comparison.rules)
    documents = "".join(_changed_document(change) for change in comparison.changed)
    hidden = comparison.changed_count - len(comparison.changed)
    more = f"<p>and {hidden:,} more.</p>" if hidden else ""
    return (f"{head}<h3>Removals gained and lost, per rule</h3>{table}{examples}"
            f"<h3>Documents whose text differs</h3>{documents or '<p>None.</p>'}{more}</section>")


def _changed_document(change) -> str:
    doc_id = change.key[2] or f"{change.key[0]}:{change.key[1]}"
    status = ("rejected before, clean now" if change.before_words is None else
              "clean before, rejected now" if change.after_words is None else
              f"{change.before_words:,} words before, {change.after_words:,} now")
    removals = ("".join(f"<p class=gained>removed now:</p>{_removal(r)}" for r in change.gained)
                + "".join(f"<p class=lost>kept now:</p>{_removal(r, 'ins')}" for r in change.lost))
    return f"<details><summary>{_capped(doc_id, _SHOWN_NAME)}: {status}</summary>{removals}</details>"
