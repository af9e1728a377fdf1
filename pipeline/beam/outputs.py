"""The output folder's contract: what a run writes there (each output's prefix, its shards' patterns, summary.json,
the report), how a folder is made ready for a run, how files are written whole, and how a run is read back.

The job's writers, ``report``, ``mine``, ``audit``, ``explain --run`` and the tests all go through here, so a file
name lives in one place. Reading is a record at a time (:func:`iter_output`), from any Beam filesystem.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence

from apache_beam.io.filesystems import FileSystems

from pipeline.beam.writers import WRITERS
from pipeline.core import progress as counts_of
from pipeline.core.progress import ProgressFile

# Each output's prefix: its shards are PREFIX-*.jsonl[.gz|.zst] or PREFIX-*.parquet. The job's Beam outputs carry
# the same names as their tags (pipeline.beam.transforms).
CLEAN = "clean"
REJECTED = "rejected"
DUPLICATES = "duplicates"
REMOVED = "removed"
FILES = "files"
# The prefix of the ledger's shards for --site_boilerplate; ``removed-*`` globs match them with the rest.
SITE_LEDGER = f"{REMOVED}-site"
SUMMARY_FILE = "summary.json"
EVAL_FILE = "eval.json"
# What `python -m pipeline report` writes beside a run's outputs; it describes that run, so a rerun replaces it.
REPORT_FILE = "report.html"
# summary.json and eval.json are written under this suffix and renamed when complete.
PARTIAL = ".partial"
OUTPUT_FORMAT = "jsonl"
# Everything a run writes into its output folder, in any format; a rerun replaces all of it or nothing.
OUTPUT_PATTERNS = (*(writer.pattern(prefix) for writer in WRITERS.values()
                     for prefix in (CLEAN, REJECTED, DUPLICATES, FILES, REMOVED)),
                   SUMMARY_FILE, EVAL_FILE, REPORT_FILE, "*" + PARTIAL)


class OutputError(Exception):
    """The output folder cannot take this run's files."""


def _inside(path: str, folder: str) -> bool:
    if FileSystems.get_scheme(folder) is None:   # local: ../ and symlinks resolved first
        return os.path.realpath(path).startswith(os.path.join(os.path.realpath(folder), ""))
    return path.startswith(folder.rstrip("/") + "/")


def previous_files(output_dir: str, patterns: Sequence[str]) -> list[str]:
    """The files in ``output_dir`` matching any of ``patterns``: what an earlier run left there."""
    return [m.path for r in FileSystems.match([FileSystems.join(output_dir, p) for p in patterns])
            for m in r.metadata_list]


def prepare_output_dir(output_dir: str, overwrite: bool, input_pattern: str) -> None:
    """Make sure the folder can take a new run: refuse a previous run's files, or delete them all.

    Refuses a folder that holds input files: ``--overwrite`` would delete them before they are read.
    Also writes and deletes a probe file, so an unwritable folder fails before any data is read.
    """
    inputs = [m.path for m in FileSystems.match([input_pattern])[0].metadata_list if _inside(m.path, output_dir)]
    if inputs:
        raise OutputError(f"--input {input_pattern} matches {len(inputs)} file(s) inside --output {output_dir} "
                          f"(e.g. {inputs[0]}); the run would replace its own input: choose another --output")
    clear_previous(output_dir, OUTPUT_PATTERNS, overwrite, "a previous run's files")


def clear_previous(output_dir: str, patterns: Sequence[str], overwrite: bool, what: str) -> None:
    """Refuse a folder holding files that match ``patterns`` (``what`` they are, for the message), or delete them
    with ``overwrite``; then make sure the folder can be written. A command's output never mixes two runs."""
    previous = previous_files(output_dir, patterns)
    if previous and not overwrite:
        raise OutputError(f"--output {output_dir} already holds {what} ({len(previous)} files, e.g. "
                          f"{previous[0]}); pass --overwrite to replace them, or choose another folder")
    if previous:
        FileSystems.delete(previous)
    check_writable(output_dir)


def check_writable(output_dir: str) -> None:
    """Make the folder if need be, and write and delete a probe file in it: a folder that cannot be written
    raises OutputError before any data is read, not a job that fails at its first output."""
    probe = FileSystems.join(output_dir, ".newsclean-write-check")
    with contextlib.suppress(OSError):   # it exists already; the probe below tells whether it can be written
        FileSystems.mkdirs(output_dir)
    try:
        with FileSystems.create(probe) as out:
            out.write(b"")
        FileSystems.delete([probe])
    except Exception as error:
        raise OutputError(f"--output {output_dir} cannot be written: {error}") from None


def write_atomically(path: str, data: bytes) -> str:
    """Write ``path`` under a temporary name and rename it when complete: a full disk or a write error
    leaves no file (and no folder that looks finished), never a cut one."""
    partial = path + PARTIAL
    try:
        with FileSystems.create(partial, mime_type="application/json") as out:
            out.write(data)
        FileSystems.rename([partial], [path])
    except BaseException:
        with contextlib.suppress(Exception):   # it may not exist; the error that matters is the one raised below
            FileSystems.delete([partial])
        raise
    return path


def write_summary(summary: dict, output_dir: str) -> str:
    """summary.json, last of a run's files, so that its presence means the run finished."""
    return write_atomically(FileSystems.join(output_dir, SUMMARY_FILE),
                            json.dumps(summary, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")


def output_shards(output_dir: str, prefix: str, output_format: str = OUTPUT_FORMAT) -> list[tuple[str, int]]:
    """``(path, bytes)`` of each shard a run wrote under ``prefix``, in name order."""
    pattern = FileSystems.join(output_dir, WRITERS[output_format].pattern(prefix))
    return sorted((m.path, m.size_in_bytes) for m in FileSystems.match([pattern])[0].metadata_list)


def iter_output(output_dir: str, prefix: str, output_format: str = OUTPUT_FORMAT,
                progress: ProgressFile | None = None) -> Iterator[dict]:
    """Every record a run wrote under ``prefix`` (``clean``, ``rejected``, ``files``, ``removed``), shard by shard,
    one at a time; counted in ``progress`` as records read, and shards and their bytes done."""
    writer = WRITERS[output_format]
    for path, size in output_shards(output_dir, prefix, output_format):
        for record in writer.read(path):
            if progress:
                progress.add(counts_of.READ)
            yield record
        if progress:
            progress.add(counts_of.BYTES, size)
            progress.add(counts_of.FILES)


def read_output(output_dir: str, prefix: str, output_format: str = OUTPUT_FORMAT) -> list[dict]:
    """:func:`iter_output` as a list, for outputs a caller holds whole."""
    return list(iter_output(output_dir, prefix, output_format))


def read_summary(output_dir: str) -> dict:
    """The summary.json a finished run wrote."""
    with FileSystems.open(FileSystems.join(output_dir, SUMMARY_FILE)) as stream:
        return json.loads(stream.read().decode("utf-8"))
