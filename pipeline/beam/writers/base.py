"""What every output format shares: a Beam transform that writes records' ``to_dict()`` as shards."""

from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

# --compression values; each writer maps them onto its format (a file suffix for JSONL, a column codec for Parquet).
COMPRESSIONS = ("none", "gzip", "zstd")


class Writer(beam.PTransform):
    """Records (anything with ``to_dict()``) to ``DIR/PREFIX-SSSSS-of-NNNNN<suffix>``.

    Subclasses set ``name`` and ``suffix``, write in :meth:`expand` and read one
    of their own shards back, in any compression, in :meth:`read` (the job's summary and ``eval`` use it).
    ``record_type`` is the class of the records written (``CleanArticle``, ``Rejection``, ``FileTally``),
    for formats that declare a schema; ``num_shards`` 0 lets the runner choose.
    """

    name = ""
    suffix = ""

    def __init__(self, output_dir: str, prefix: str, record_type: type, compression: str = "none", num_shards: int = 0):
        super().__init__()
        if compression not in COMPRESSIONS:
            raise ValueError(f"compression must be one of {', '.join(COMPRESSIONS)}, got {compression!r}")
        self.path_prefix = FileSystems.join(output_dir, prefix)
        self.record_type = record_type
        self.compression = compression
        self.num_shards = num_shards

    @classmethod
    def pattern(cls, prefix: str) -> str:
        """The glob, relative to the output folder, of the shards written under ``prefix``, in any compression."""
        return f"{prefix}-*-of-*{cls.suffix}*"

    @staticmethod
    def read(path: str) -> Iterator[dict]:
        raise NotImplementedError
