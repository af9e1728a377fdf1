"""``text``: one article per file; its id is the file stem."""

from __future__ import annotations

from pipeline.readers.base import WholeFileReader, file_stem
from pipeline.readers.decoding import check_not_binary, decode_bytes
from pipeline.records import Article


class TextReader(WholeFileReader):
    name = "text"
    extensions = ()   # the fallback for every extension no other reader claims

    def article(self, path: str, data: bytes) -> Article:
        check_not_binary(data)
        return Article(id=file_stem(path), text=decode_bytes(data), source=path)
