"""Bytes to text: UTF-8 first, Windows-1252 for the bytes that are not, UTF-16 with a BOM; binary refused."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from pipeline.core.records import Rejected


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)   # registered for decoding only
    # Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; Latin-1 maps them
    # to the same code points, as browsers do.
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error("newsclean-cp1252", _cp1252_fallback)

# Lines holding nothing but whitespace (what bytes.strip() removes), one or more in a row.
_BLANK_LINES = re.compile(rb"(?:[ \t\r\x0b\x0c]*\n)+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_bytes(data: bytes) -> str:
    """Decode input bytes: UTF-8 (with or without BOM), UTF-16 with a BOM.

    Bytes that are not valid UTF-8 are read as Windows-1252, the usual reason
    for them in scraped text, instead of becoming U+FFFD.

    >>> decode_bytes("caf\\u00e9 \\u2019".encode("utf-8"))
    'café ’'
    >>> decode_bytes(b"caf\\xe9 \\x92")
    'café ’'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise Rejected("read", "undecodable", f"starts with a UTF-16 byte-order mark but is not UTF-16: {error}") from None
    return data.decode("utf-8-sig", errors="newsclean-cp1252")


def replace_surrogates(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate replaced by U+FFFD, and how many there were.

    JSON can spell them (``"\\udc00"``) and Python file names carry undecodable bytes as them; UTF-8
    cannot encode them, so one would fail the job where Beam or a writer encodes the string.

    >>> replace_surrogates("a\\udc00b")
    ('a\ufffdb', 1)
    """
    if text.isascii() or not _SURROGATE.search(text):
        return text, 0
    return _SURROGATE.subn("\ufffd", text)


def readable_path(path: str) -> str:
    """A path as records name it: valid UTF-8 whatever bytes the file name holds.

    A local file name that is not UTF-8 reaches Python with its bad bytes as surrogates
    (``caf\\udce9.txt``); they are read as Windows-1252, as in file contents.

    >>> readable_path("in/caf\\udce9.txt")
    'in/café.txt'
    """
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "newsclean-cp1252")
    except UnicodeEncodeError:   # surrogates that are no escaped byte
        return replace_surrogates(path)[0]


def check_not_binary(data: bytes) -> None:
    """Refuse bytes that hold NUL in their first 8,000 bytes, as git does to call a file binary.

    UTF-16 with a byte-order mark is text; without one it looks binary, and the
    message says how to fix it.
    """
    if b"\x00" in data[:8000] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Rejected("read", "binary", "holds NUL bytes, so it is not text (if it is UTF-16 without a "
                                         "byte-order mark, convert it to UTF-8)")


def bounded_lines(stream: BinaryIO, max_bytes: int, chunk: int = 1 << 16, start: int = 0,
                  limit_blank_runs: bool = True) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(offset, line)`` for the stream's lines that are not blank, ``offset`` being the byte where the
    line starts (the stream is at byte ``start``); a line longer than ``max_bytes`` comes as None and is never
    held whole.

    Runs of blank lines are skipped in C, a run at a time (a few kilobytes of gzip inflate to gigabytes
    of newlines); with ``limit_blank_runs`` a run longer than ``max_bytes`` ends the file with ``Rejected``
    (``too_large``). A byte range of a file on disk is read without that limit: its blank lines are bounded by
    the file's size, and a limit there would make the records depend on where the file was split.

    >>> import io
    >>> list(bounded_lines(io.BytesIO(b"ab\\n" + b"x" * 10 + b"\\ncd"), max_bytes=5, chunk=4))
    [(0, b'ab\\n'), (3, None), (14, b'cd')]
    >>> list(bounded_lines(io.BytesIO(b"one\\n\\n \\r\\ntwo\\n"), max_bytes=5))
    [(0, b'one\\n'), (8, b'two\\n')]
    """
    # read1() hands over what one read decompressed, so lines before a truncated end are not lost with it.
    read = getattr(stream, "read1", stream.read)
    parts: list[bytes] = []
    size, skipping, blank = 0, False, 0
    base = line_start = start   # base: the offset of data[0]
    while data := read(chunk):
        pos = 0
        while True:
            if not parts and not skipping and (run := _BLANK_LINES.match(data, pos)):
                blank += run.end() - pos
                if limit_blank_runs and blank > max_bytes:
                    raise Rejected("read", "too_large", f"more than --max_doc_bytes ({max_bytes:,} bytes) of blank "
                                                        f"lines in a row from byte {line_start}; the rest of the "
                                                        "file was not read")
                pos = run.end()
                line_start = base + pos
            newline = data.find(b"\n", pos)
            if newline < 0:
                break
            piece = data[pos:newline + 1]
            if skipping or size + len(piece) > max_bytes:
                yield line_start, None
                blank = 0
            else:
                parts.append(piece)
                line = b"".join(parts)
                if line.strip():
                    yield line_start, line
                    blank = 0
            parts, size, skipping = [], 0, False
            pos = newline + 1
            line_start = base + pos
        rest = data[pos:]
        if not skipping and size + len(rest) > max_bytes:
            parts, size, skipping = [], 0, True
        elif not skipping and rest:
            parts.append(rest)
            size += len(rest)
        base += len(data)
    if skipping:
        yield line_start, None
    elif size and (line := b"".join(parts)).strip():
        yield line_start, line


def first_line_start(stream: BinaryIO, start: int, stop: int | None = None, chunk: int = 1 << 16) -> int:
    """The offset of the first line that starts at or after ``start`` (the file's size if none does), with the
    stream left there. A byte range of a file holds the lines that start inside it; this is where its first
    one is. Scans in chunks, so a long line before it is never held; with ``stop`` (the range's end) it scans no
    further and returns ``stop`` when no line starts before it, so a range inside one huge line reads only its
    own bytes, not the rest of the line.

    >>> import io
    >>> stream = io.BytesIO(b"ab\\ncd\\nef")
    >>> [first_line_start(stream, at) for at in range(8)]
    [0, 3, 3, 3, 6, 6, 6, 8]
    >>> first_line_start(io.BytesIO(b"a" * 100 + b"\\nb"), 10, stop=20)
    20
    """
    if start == 0:
        stream.seek(0)
        return 0
    stream.seek(start - 1)   # the byte before: a newline there means a line starts exactly at ``start``
    offset = start - 1
    while data := stream.read(chunk if stop is None else max(0, min(chunk, stop - offset))):
        newline = data.find(b"\n")
        if newline >= 0:
            offset += newline + 1
            break
        offset += len(data)
    stream.seek(offset)
    return offset
