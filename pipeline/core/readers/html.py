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


# The East Asian encodings as browsers read them (the WHATWG Encoding Standard): a page that declares Shift_JIS,
# GB2312 or EUC-KR is written in the vendor's superset (Windows' code pages 932 and 949, GBK), and holds what only
# the superset has (①, 髙, 镕, 똠), where the strict codec of the same name fails and the page would be read as
# Windows-1252 mojibake. By the name Python's lookup gives a label, or by the label where Python knows none.
_SUPERSETS = {"shift_jis": "cp932", "gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949", "big5": "big5hkscs"}
_SUPERSET_LABELS = {"windows-31j": "cp932", "x-sjis": "cp932", "x-gbk": "gb18030", "windows-936": "gb18030",
                    "windows-949": "cp949", "x-windows-949": "cp949"}


def page_codec(label: str) -> str | None:
    """The Python codec that reads a page declaring ``label``, None for one Python does not know.

    >>> page_codec("Shift_JIS"), page_codec("gb2312"), page_codec("EUC-KR"), page_codec("koi8-r"), page_codec("x")
    ('cp932', 'gb18030', 'cp949', 'koi8-r', None)
    """
    label = label.lower()
    if label in _SUPERSET_LABELS:
        return _SUPERSET_LABELS[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def decode_page(data: bytes) -> str:
    """Bytes of a page as text: UTF-8 when they are; else in the charset it declares when the bytes fit it. A page
    in one of the East Asian encodings that is not UTF-8 either reads as a browser shows it, with U+FFFD for a
    stray byte (a page cut inside a character), not as Windows-1252.

    >>> decode_page('<meta charset="koi8-r"><p>Москва</p>'.encode("koi8-r"))
    '<meta charset="koi8-r"><p>Москва</p>'
    >>> decode_page(b'<meta charset="base64"><p>Moscow</p>')
    '<meta charset="base64"><p>Moscow</p>'
    >>> decode_page('<meta charset="Shift_JIS"><p>①髙橋</p>'.encode("cp932") + b"\\x82")
    '<meta charset="Shift_JIS"><p>①髙橋</p>\\ufffd'
    >>> decode_page('<meta charset="gb2312"><p>消费增长</p>'.encode("utf-8"))   # GBK would read 娑堣垂澧為暱
    '<meta charset="gb2312"><p>消费增长</p>'
    """
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared:
        codec = page_codec(declared.group(1).decode("ascii"))
        if codec and codec not in ("utf-8", "utf-8-sig", "ascii"):
            # A page saved again as UTF-8 keeps its old declaration (a crawler's copy, an archive's): bytes that
            # are valid UTF-8 beyond ASCII are UTF-8, as no text in GBK, Shift_JIS or Windows-1251 is, where
            # GBK or Windows-1251 would read them without an error, as mojibake.
            if (utf8 := _as_utf8(data)) is not None:
                return utf8
            try:
                return data.decode(codec)
            except (UnicodeDecodeError, ValueError, LookupError):
                # The declaration is wrong, or names a codec that is not a text encoding ('base64', 'rot13'):
                # read it as any other file.
                if codec in _SUPERSETS.values():
                    return data.decode(codec, errors="replace")
    return decode_bytes(data)


def _as_utf8(data: bytes) -> str | None:
    """``data`` as UTF-8 when it is valid UTF-8 and not ASCII, else None."""
    if data.isascii():
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


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
