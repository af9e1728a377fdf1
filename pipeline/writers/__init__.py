"""Output formats: one module per format, each a :class:`Writer` registered in ``WRITERS``.

A new format is a module here with a Writer subclass, and one line in ``WRITERS``.
"""

from pipeline.writers.base import Writer
from pipeline.writers.jsonl import JsonlWriter

WRITERS: dict[str, type[Writer]] = {
    JsonlWriter.name: JsonlWriter,
}

__all__ = ["WRITERS", "JsonlWriter", "Writer"]
