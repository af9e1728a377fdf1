"""``html``: one page per file: its article (or, in ``full`` mode, all its text), title, URL and metadata."""

from __future__ import annotations

import codecs
import re

from pipeline.core.readers.base import WholeFileReader
from pipeline.core.readers.decoding import check_not_binary, decode_bytes
from pipeline.core.readers.ids import file_id
from pipeline.core.records import Article

# <meta charset="koi8-r"> or <meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)


def decode_page(data: bytes) -> str:
    """Bytes of a page as text: in the charset it declares when that is not UTF-8 and the bytes fit it.

    >>> decode_page('<meta charset="koi8-r"><p>Москва</p>'.encode("koi8-r"))
    '<meta charset="koi8-r"><p>Москва</p>'
    >>> decode_page(b'<meta charset="base64"><p>Moscow</p>')
    '<meta charset="base64"><p>Moscow</p>'
    """
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii"))
        except LookupError:
            codec = None
        if codec and codec.name not in ("utf-8", "utf-8-sig", "ascii"):
            try:
                return data.decode(codec.name)
            except (UnicodeDecodeError, ValueError, LookupError):
                # The declaration is wrong, or names a codec that is not a text encoding ('base64', 'rot13'):
                # read it as any other file.
                pass
    return decode_bytes(data)


class HtmlReader(WholeFileReader):
    name = "html"
    extensions = (".html", ".htm")

    def article(self, path: str, data: bytes) -> Article:
        check_not_binary(data)
        # Imported on the first page, not with the module: trafilatura takes about 0.2 s to import, and every
        # worker process imports the readers, also for a job that reads no HTML.
        from pipeline.core.pages import html_to_page
        page = html_to_page(decode_page(data), self.options.html_mode, ledger=self.options.ledger)
        return Article(id=file_id(path, self.options.id_root), text=page.text, source=path, url=page.url, title=page.title,
                       metadata=page.metadata, headline_in_text=False, truncated=page.truncated, removals=page.removals)
