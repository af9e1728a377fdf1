"""``newsclean audit [RAW] OUT_DIR``: what a run left that looks like furniture, per corpus and site.

The run's input, input format, reading options and output format come from its summary.json (as ``explain --run``
takes them), so the 'before' column is the input as that run read it; ``RAW`` reads another glob instead.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.beam.outputs import CLEAN, read_output
from pipeline.beam.writers import WRITERS
from pipeline.commands.arguments import positive_int
from pipeline.commands.options import ConfigError, clean_options, input_articles, input_paths, read_options, run_args
from pipeline.core.audit import DEFAULT_MIN_DOCS, Document, audit, compare_dict, corpus_names, format_comparison, site_of
from pipeline.core.normalize import UnicodeFixer, normalize
from pipeline.core.terminal import shown

HELP = "list what a run left that looks like furniture, per corpus and site"
TAKES_BEAM_OPTIONS = False


class Args(argparse.Namespace):
    raw: str | None
    output_dir: str
    output_format: str | None
    top: int
    min_docs: int
    json: str | None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("raw", nargs="?", metavar="RAW",
                        help="a glob to read for the 'before' column instead of the run's --input")
    parser.add_argument("output_dir", metavar="OUT_DIR", help="the run's --output")
    parser.add_argument("--output_format", choices=tuple(WRITERS), default=None,
                        help="the run's --output_format (default: the one its summary.json records)")
    parser.add_argument("--top", type=positive_int, default=10, help="sites to list, and lines per site (default 10)")
    parser.add_argument("--min_docs", type=positive_int, default=DEFAULT_MIN_DOCS,
                        help=f"documents of a site a short line must recur in to count as repeated (default {DEFAULT_MIN_DOCS})")
    parser.add_argument("--json", help="also write the comparison as JSON to this path")


def main(args: Args, _beam_args: list[str]) -> int:
    run = run_args(args.output_dir, "audit")
    paths = input_paths(args.raw or run.input)
    output_format = args.output_format or run.output_format
    clean = read_output(args.output_dir, CLEAN, output_format)
    if not clean:
        raise ConfigError(f"{args.output_dir} holds no clean-* output in {output_format}")
    names = corpus_names(paths + [record["input_file"] for record in clean])
    # Normalised as the run normalised it, so a difference in spaces or quotes is not counted as a removal.
    fixer = UnicodeFixer(clean_options(run).normalize)
    before = [Document(names[path], site_of(article.url, article.metadata),
                       (article.title or "") + "\n\n" + normalize(article.text, fixer))
              for path, article in input_articles(paths, run.input_format, read_options(run))]
    after = [Document(names[r["input_file"]], site_of(r["url"], r["metadata"]), r["title"] + "\n\n" + r["text"])
             for r in clean]
    comparison = compare_dict(audit(before, args.min_docs), audit(after, args.min_docs), args.top)
    if args.json:
        Path(args.json).write_text(json.dumps(comparison, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(shown(format_comparison(comparison, args.top), lines=True))
    return 0
