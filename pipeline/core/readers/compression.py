"""Decompression by file suffix, strict: an archive cut short raises EOFError instead of ending quietly.

Beam reads the same suffixes (``CompressionTypes.detect_compression_type``), but its
decoders stop without an error at a truncated end, so every record after the cut
would vanish with no rejection. Python's gzip, bz2 and lzma readers raise; zlib
(``.deflate``) and zstandard expose ``eof``, checked here when the input runs out.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable
from typing import Any, BinaryIO, cast

import zstandard

# Input fed to zlib or zstandard per call: small, because one call returns all it decompresses and a
# hostile archive can expand a kilobyte into megabytes (zstandard's RLE blocks, far more than zlib).
_INPUT_CHUNK = 1 << 10


class _StrictStream(io.RawIOBase):
    """A raw stream of decompressed bytes from ``decompressor()`` objects with ``eof`` and ``unused_data``.

    Concatenated streams (frames) are read one after the other, as gzip reads members.
    """

    def __init__(self, raw: BinaryIO, decompressor: Callable[[], Any]):
        super().__init__()
        self._raw = raw
        self._new = decompressor
        self._decompressor = decompressor()
        self._started = False   # input went into the current decompressor
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            data = self._decompressor.unused_data if self._decompressor.eof else b""
            if self._decompressor.eof:
                self._decompressor, self._started = self._new(), False
            data = data or self._raw.read(_INPUT_CHUNK)
            if not data:
                if self._started:
                    raise EOFError("compressed file ended before the end-of-stream marker was reached")
                return 0
            self._started = True
            self._pending = self._decompressor.decompress(data)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


def _strict(decompressor: Callable[[], Any]) -> Callable[[BinaryIO], io.BufferedIOBase]:
    return lambda raw: io.BufferedReader(_StrictStream(raw, decompressor), buffer_size=1 << 16)


# Each opener returns the stream for its caller to close (open_decompressed's context manager does).
OPENERS: dict[str, Callable[[BinaryIO], io.BufferedIOBase]] = {
    ".gz": lambda raw: gzip.open(raw),  # noqa: SIM115
    ".bz2": lambda raw: bz2.open(raw),  # noqa: SIM115
    # Beam reads both .lzma and .xz with lzma's automatic format (xz or the older "alone" format).
    ".lzma": lambda raw: lzma.open(raw),  # noqa: SIM115
    ".xz": lambda raw: lzma.open(raw),  # noqa: SIM115
    # Beam's .deflate is a zlib stream (zlib.decompressobj() with its default header).
    ".deflate": _strict(zlib.decompressobj),
    # The window limit Beam sets: a frame may not make the reader allocate more than 2 GiB.
    ".zst": _strict(lambda: zstandard.ZstdDecompressor(max_window_size=1 << 31).decompressobj()),
    ".zstd": _strict(lambda: zstandard.ZstdDecompressor(max_window_size=1 << 31).decompressobj()),
}
SUFFIXES = tuple(OPENERS)


def compression_suffix(name: str) -> str | None:
    """The compression suffix a file name ends with, if any (any case).

    >>> compression_suffix("wire.jsonl.XZ"), compression_suffix("wire.jsonl")
    ('.xz', None)
    """
    lowered = name.lower()
    return next((suffix for suffix in SUFFIXES if lowered.endswith(suffix)), None)


def open_decompressed(raw: BinaryIO, name: str) -> BinaryIO:
    """``raw`` (the file's bytes as stored) decompressed by the suffix of ``name``; as it is without one."""
    suffix = compression_suffix(name)
    return raw if suffix is None else cast(BinaryIO, OPENERS[suffix](raw))
