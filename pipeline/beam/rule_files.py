"""Find and read rule files on any Beam filesystem (local, gs://, s3://), once, when the job is built."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from pathlib import Path

from apache_beam.io.filesystems import FileSystems

import pipeline
from pipeline.core.rules.loader import parse_rules
from pipeline.core.rules.schema import Rule, RuleError


def bundled_rules_dir() -> str:
    """The rules that ship with the project.

    An installed package (a Flex Template launcher, a worker) holds them as
    ``pipeline/bundled_rules``; a source checkout has the top-level ``rules/``.
    """
    package = Path(pipeline.__file__).resolve().parent
    installed = package / "bundled_rules"
    return str(installed if installed.is_dir() else package.parent / "rules")


def _same_file_key(path: str) -> str:
    # A local file named two ways (rules/ and the bundled /work/.../rules/) is one file; bucket paths as given.
    return os.path.realpath(path) if FileSystems.get_scheme(path) is None else path


def read_rule_files(paths: Iterable[str]) -> list[tuple[str, bytes]]:
    """``(path, content)`` of every rule file: a ``.toml`` path as given, a folder's ``*.toml`` by name.

    A file reached twice (``--rules rules/`` beside the bundled rules) is read once, where it first came.
    """
    files: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for path in paths:
        pattern = path if path.endswith(".toml") else FileSystems.join(path, "*.toml")
        found = sorted((m.path for m in FileSystems.match([pattern])[0].metadata_list), key=posixpath.basename)
        if not found:
            raise RuleError(path, "no such rule file, or no *.toml rule files in that folder")
        for found_path in found:
            if _same_file_key(found_path) in seen:
                continue
            seen.add(_same_file_key(found_path))
            with FileSystems.open(found_path) as stream:
                files.append((found_path, stream.read()))
    return files


def load_rules(paths: Iterable[str]) -> list[Rule]:
    """Read and parse every rule under ``paths``; raise RuleError on the first problem."""
    return parse_rules(read_rule_files([str(path) for path in paths]))
