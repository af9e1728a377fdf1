"""Bytes to text: UTF-8 first, Windows-1252 for the bytes that are not, UTF-16 with a BOM; binary refused."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import BinaryIO

from pipeline.records import Rejected


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)   # registered for decoding only
    # Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; Latin-1 maps them
    # to the same code points, as browsers do.
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error("newsclean-cp1252", _cp1252_fallback)


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


def check_not_binary(data: bytes) -> None:
    """Refuse bytes that hold NUL in their first 8,000 bytes, as git does to call a file binary.

    UTF-16 with a byte-order mark is text; without one it looks binary, and the
    message says how to fix it.
    """
    if b"\x00" in data[:8000] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Rejected("read", "binary", "holds NUL bytes, so it is not text (if it is UTF-16 without a "
                                         "byte-order mark, convert it to UTF-8)")


def bounded_lines(stream: BinaryIO, max_bytes: int, chunk: int = 1 << 16) -> Iterator[bytes | None]:
    """Yield the stream's lines; a line longer than ``max_bytes`` yields None and is never held whole.

    >>> import io
    >>> list(bounded_lines(io.BytesIO(b"ab\\n" + b"x" * 10 + b"\\ncd"), max_bytes=5, chunk=4))
    [b'ab\\n', None, b'cd']
    >>> list(bounded_lines(io.BytesIO(b"one\\n\\ntwo\\n"), max_bytes=5))
    [b'one\\n', b'\\n', b'two\\n']
    """
    # read1() hands over what one read decompressed, so lines before a truncated end are not lost with it.
    read = getattr(stream, "read1", stream.read)
    parts: list[bytes] = []
    size, skipping = 0, False
    while data := read(chunk):
        start = 0
        while (newline := data.find(b"\n", start)) >= 0:
            piece = data[start:newline + 1]
            if skipping or size + len(piece) > max_bytes:
                yield None
            else:
                parts.append(piece)
                yield b"".join(parts)
            parts, size, skipping = [], 0, False
            start = newline + 1
        rest = data[start:]
        if not skipping and size + len(rest) > max_bytes:
            parts, size, skipping = [], 0, True
        elif not skipping:
            parts.append(rest)
            size += len(rest)
    if skipping:
        yield None
    elif size:
        yield b"".join(parts)
