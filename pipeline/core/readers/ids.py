"""Ids of records that have none of their own: named by the file's path below the input glob's fixed prefix.

File names alone collide in nested corpora (``bbc/business/001.txt`` and ``bbc/sport/001.txt``); the path
below the fixed prefix does not, and is the same on every run and runner for the same ``--input``.
"""

from __future__ import annotations

import posixpath

from pipeline.core.readers.base import base_name, strip_compression

_GLOB_CHARACTERS = "*?[{"


def glob_root(pattern: str) -> str:
    """The folder part of a glob before its first wildcard, ending in ``/``.

    >>> glob_root("../corpus/bbc/*/*.txt")
    '../corpus/bbc/'
    >>> glob_root("gs://bucket/raw/2026-*.jsonl.gz")
    'gs://bucket/raw/'
    >>> glob_root("fixtures/raw/storm-page.html")
    'fixtures/raw/'
    >>> glob_root("*.txt")
    ''
    """
    fixed = pattern.replace("\\", "/")
    cut = min((i for i in (fixed.find(c) for c in _GLOB_CHARACTERS) if i >= 0), default=len(fixed))
    return fixed[: fixed.rfind("/", 0, cut) + 1]


def relative_name(path: str, root: str) -> str:
    """The path below ``root``; the bare file name when the path is not below it (or no root is known).

    >>> relative_name("../corpus/bbc/sport/001.txt", "../corpus/bbc/")
    'sport/001.txt'
    >>> relative_name("/elsewhere/001.txt", "../corpus/bbc/")
    '001.txt'
    """
    path = path.replace("\\", "/")
    if root and path.startswith(root):
        return path[len(root):]
    return base_name(path)


def file_id(path: str, root: str) -> str:
    """A whole-file record's id: its path below ``root`` without compression suffix and extension.

    >>> file_id("../corpus/bbc/sport/001.txt", "../corpus/bbc/")
    'sport/001'
    >>> file_id("gs://bucket/raw/000_82a2.txt.gz", "gs://bucket/raw/")
    '000_82a2'
    """
    return posixpath.splitext(strip_compression(relative_name(path, root)))[0]
