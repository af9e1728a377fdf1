"""``text``: one article per file; its id is its path below the input glob's fixed prefix, without extension."""

from __future__ import annotations

from pipeline.core.readers.base import WholeFileReader
from pipeline.core.readers.decoding import check_not_binary, decode_bytes
from pipeline.core.readers.ids import file_id
from pipeline.core.records import Article


class TextReader(WholeFileReader):
    name = "text"
    extensions = ()   # the fallback for every extension no other reader claims

    def article(self, path: str, data: bytes) -> Article:
        check_not_binary(data)
        return Article(id=file_id(path, self.options.id_root), text=decode_bytes(data), source=path)
