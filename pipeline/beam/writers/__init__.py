"""Output formats: one module per format, each a :class:`Writer` registered in ``WRITERS``.

A new format is a module here with a Writer subclass, and one line in ``WRITERS``.
"""

from pipeline.beam.writers.base import COMPRESSIONS, Writer
from pipeline.beam.writers.jsonl import JsonlWriter
from pipeline.beam.writers.parquet import ParquetWriter

WRITERS: dict[str, type[Writer]] = {
    JsonlWriter.name: JsonlWriter,
    ParquetWriter.name: ParquetWriter,
}

__all__ = ["COMPRESSIONS", "WRITERS", "JsonlWriter", "ParquetWriter", "Writer"]
