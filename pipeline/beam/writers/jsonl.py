"""``jsonl``: one JSON object per line, UTF-8, through Beam's ``WriteToText``; ``.jsonl.gz`` or ``.jsonl.zst`` when
compressed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipeline.beam.writers.base import Writer

_FILE_SUFFIX = {"none": "", "gzip": ".gz", "zstd": ".zst"}
_BEAM_COMPRESSION = {"none": CompressionTypes.UNCOMPRESSED, "gzip": CompressionTypes.GZIP, "zstd": CompressionTypes.ZSTD}


def to_json_line(record) -> str:
    # allow_nan off: a bare NaN is no JSON. The readers give metadata's non-finite numbers as text
    # (readers.fields.finite_numbers), so one reaching here is a bug to see, not output to ship.
    return json.dumps(record.to_dict(), ensure_ascii=False, allow_nan=False)


class JsonlWriter(Writer):
    name = "jsonl"
    suffix = ".jsonl"

    def expand(self, records):
        return (
            records
            | "ToJson" >> beam.Map(to_json_line)
            | "WriteFiles" >> beam.io.WriteToText(
                self.path_prefix, file_name_suffix=self.suffix + _FILE_SUFFIX[self.compression],
                compression_type=_BEAM_COMPRESSION[self.compression], num_shards=self.num_shards)
        )

    @staticmethod
    def read(path: str) -> Iterator[dict]:
        # FileSystems.open decompresses by the path's suffix (.gz, .zst).
        with FileSystems.open(path) as stream:
            # A line at a time, so reading a run back (report, explain --run) holds one record, not the shard.
            # Bytes split on "\n" only: JSON escapes every other line break, but str.splitlines would also split
            # on U+2028 or U+0085 that ensure_ascii=False leaves inside a string.
            for line in iter(stream.readline, b""):
                if line.strip():
                    yield json.loads(line)
