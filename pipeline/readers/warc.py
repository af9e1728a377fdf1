"""``warc``: web archives (``.warc``, ``.warc.gz``), read with warcio; each HTML response is one page.

A response record whose HTTP ``Content-Type`` is HTML goes through the same path as an HTML file
(``decode_page``, ``html_to_page``): its id is the ``WARC-Record-ID``, its URL the ``WARC-Target-URI`` and its
metadata holds ``warc_date`` and ``content_type`` besides what the page states. Every other record
(``warcinfo``, ``request``, ``metadata``, a response that is an image or a PDF) is rejected as ``not_html``,
naming its type: counted and visible, never dropped silently, and easy to filter out by reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from pipeline.readers.base import Cursor, Reader, Record, read_at_most
from pipeline.readers.decoding import check_not_binary
from pipeline.readers.html import decode_page
from pipeline.records import Article, Rejected, Rejection

_HTML_TYPES = ("text/html", "application/xhtml+xml")


class WarcReader(Reader):
    name = "warc"
    extensions = (".warc",)

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        cursor.line = 0
        for number, record in enumerate(ArchiveIterator(stream), 1):
            cursor.seen += 1   # counted before reading it: a record that gives nothing cannot reconcile
            headers = record.rec_headers
            record_id = headers.get_header("WARC-Record-ID")
            # The payload's type for an HTTP response; the record's own type (warcinfo, request) for anything else.
            content_type = (record.http_headers or headers).get_header("Content-Type") or ""
            metadata = {"warc_date": headers.get_header("WARC-Date"), "content_type": content_type}
            data = b""
            try:
                if record.rec_type != "response" or not content_type.lower().startswith(_HTML_TYPES):
                    kind = f"a {record.rec_type} record" + (f" of {content_type}" if content_type else "")
                    raise Rejected("read", "not_html", f"{kind}, not an HTML response: skipped", record_id, metadata)
                data = read_at_most(record.content_stream(), self.options.max_doc_bytes)
                check_not_binary(data)
                # Imported on the first page, not with the module: trafilatura takes about 0.2 s to import, and every
                # worker process imports the readers, also for a job that reads no HTML.
                from pipeline.pages import html_to_page
                page = html_to_page(decode_page(data), self.options.html_mode)
                yield Article(id=record_id, text=page.text, source=path, line=number, url=headers.get_header("WARC-Target-URI"),
                              title=page.title, metadata={**metadata, **page.metadata}, headline_in_text=False), len(data)
            except Exception as error:   # one record that fails (a page the extraction cannot take) is that record's
                if not isinstance(error, Rejected):   # rejection, not the end of the archive
                    error = Rejected("read", "unreadable", f"could not read this record: {error!r}")
                error.record_id = error.record_id or record_id
                error.metadata = error.metadata or metadata
                yield Rejection.of(error, path, data[:1200].decode("utf-8", "replace"), line=number), len(data)
            cursor.line = number
