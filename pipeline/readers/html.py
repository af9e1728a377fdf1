"""``html``: one page per file, turned into text; title and URL from the page's metadata."""

from __future__ import annotations

from pipeline.html_text import html_to_text
from pipeline.readers.base import WholeFileReader, file_stem
from pipeline.readers.decoding import check_not_binary, decode_bytes
from pipeline.records import Article


class HtmlReader(WholeFileReader):
    name = "html"
    extensions = (".html", ".htm")

    def article(self, path: str, data: bytes) -> Article:
        check_not_binary(data)
        page = html_to_text(decode_bytes(data))
        return Article(id=file_stem(path), text=page.text, source=path, url=page.url, title=page.title)
