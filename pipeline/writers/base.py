"""What every output format shares: a Beam transform that writes records' ``to_dict()`` as shards."""

from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems


class Writer(beam.PTransform):
    """Records (anything with ``to_dict()``) to ``DIR/PREFIX-SSSSS-of-NNNNN<suffix>``.

    Subclasses set ``name`` and ``suffix``, write in :meth:`expand` and read one
    of their own shards back in :meth:`read` (the job's summary and ``eval`` use it).
    """

    name = ""
    suffix = ""

    def __init__(self, output_dir: str, prefix: str):
        super().__init__()
        self.path_prefix = FileSystems.join(output_dir, prefix)

    @classmethod
    def pattern(cls, prefix: str) -> str:
        """The glob, relative to the output folder, of the shards written under ``prefix``."""
        return f"{prefix}-*{cls.suffix}"

    @staticmethod
    def read(path: str) -> Iterator[dict]:
        raise NotImplementedError
