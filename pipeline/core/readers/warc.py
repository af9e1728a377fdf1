"""``warc``: web archives (``.warc``, ``.warc.gz``); each HTML response is one page.

Records are framed here, strictly, and parsed with warcio: a record's block is exactly its ``Content-Length``
bytes followed by the two line ends that close every record. warcio's own iterator trusts ``Content-Length``
(a wrong one ships half an article, or swallows the next record into this one) and takes a compressed
archive's end-of-file error for the end of the archive (a cut ``.warc.gz`` loses its last records silently).
Here a record cut short by the end of the file is rejected ``truncated``; one whose ``Content-Length`` does not
end where the record does is rejected ``bad_framing``, and reading resumes at the next ``WARC/1.x`` line
inside or after it, so the records before and after it are kept.

A response record whose HTTP ``Content-Type`` is HTML goes through the same path as an HTML file
(``decode_page``, ``html_to_page``): its id is the ``WARC-Record-ID`` (``FILE@OFFSET`` when it has none, as for
JSONL, OFFSET being where the record starts in the decompressed file), its URL the ``WARC-Target-URI`` and its
metadata holds ``warc_date`` and ``content_type`` besides what the page states. Every other record
(``warcinfo``, ``request``, ``metadata``, a response that is an image or a PDF) is rejected as ``not_html``,
naming its type: counted and visible, never dropped silently, and easy to filter out by reason.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecordLoader

from pipeline.core.readers.base import Cursor, Reader, Record, read_at_most
from pipeline.core.readers.decoding import check_not_binary
from pipeline.core.readers.html import decode_page
from pipeline.core.readers.ids import relative_name
from pipeline.core.records import Article, Rejected, Rejection

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# A record's WARC headers, and the start of a too-large block kept to read its HTTP headers from: real ones
# take a few hundred bytes.
_HEAD_LIMIT = 1 << 16
_CHUNK = 1 << 16
# Where a record starts: what reading resumes at after a mis-framed one.
_RECORD_START = re.compile(rb"WARC/1\.[01]\r?\n")
_LINE_ENDS = re.compile(rb"[\r\n]+")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"\nContent-Length:[ \t]*([0-9]{1,19})[ \t]*\r?\n", re.IGNORECASE)
# What closes every record after its block (the standard's CRLF CRLF; LF LF as some writers write it).
_RECORD_END = (b"\r\n\r\n", b"\n\n")


@dataclass(frozen=True)
class Frame:
    """One record as framed: where it starts, its WARC headers and its block (or its start, when too large)."""

    offset: int
    head: bytes
    block: bytes
    complete: bool   # the block is all of the record's content (False: longer than the limit, only its start kept)
    problem: Rejected | None = None


class _Buffer:
    """A stream read ahead in chunks, with the file offset of the first byte held.

    ``read1()`` hands over what one read decompressed, so the records before a cut ``.gz`` are not lost with it;
    the cut's ``EOFError`` is kept in ``error`` and the stream then ends.
    """

    def __init__(self, stream: BinaryIO):
        self._read = getattr(stream, "read1", stream.read)
        self.data = bytearray()
        self.offset = 0
        self.eof = False
        self.error: Exception | None = None

    def fill(self, size: int) -> bool:
        """Hold at least ``size`` bytes if the stream has them; False at its end."""
        while len(self.data) < size and not self.eof:
            try:
                chunk = self._read(_CHUNK)
            except EOFError as error:   # a compressed archive cut short
                chunk, self.error = b"", error
            if chunk:
                self.data += chunk
            else:
                self.eof = True
        return len(self.data) >= size

    def drop(self, size: int) -> None:
        del self.data[:size]
        self.offset += size

    def ended_why(self) -> str:
        return f": {self.error}" if self.error else ""


def frames(stream: BinaryIO, max_bytes: int) -> Iterator[Frame]:
    """The records of a decompressed WARC stream, framed by their ``Content-Length``; a record that is cut or
    mis-framed comes with its ``problem`` and reading goes on at the next record start.

    >>> record = b"WARC/1.0\\r\\nWARC-Type: resource\\r\\nContent-Length: 5\\r\\n\\r\\nhello\\r\\n\\r\\n"
    >>> [(f.offset, f.block, f.problem) for f in frames(io.BytesIO(record * 2), 100)]
    [(0, b'hello', None), (61, b'hello', None)]
    >>> long = record.replace(b"Length: 5", b"Length: 9")
    >>> [(f.offset, f.problem.reason if f.problem else None) for f in frames(io.BytesIO(long + record), 100)]
    [(0, 'bad_framing'), (61, None)]
    """
    buffer = _Buffer(stream)
    blank = 0
    while True:
        # Line ends between records: skipped, up to a limit (a small gzip of newlines inflates to gigabytes).
        while buffer.fill(1) and (run := _LINE_ENDS.match(buffer.data)):
            blank += run.end()
            buffer.drop(run.end())
            if blank > max_bytes:
                raise Rejected("read", "too_large", f"more than --max_doc_bytes ({max_bytes:,} bytes) of blank lines "
                                                    f"in a row at byte {buffer.offset}; the rest of the file was not read")
        if not buffer.data:
            if buffer.error:   # cut between two records: the reader's one rejection for the rest says so
                raise buffer.error
            return
        blank = 0
        offset = buffer.offset
        buffer.fill(_HEAD_LIMIT)
        head_end = _HEAD_END.search(buffer.data, 0, _HEAD_LIMIT)
        if not buffer.data.startswith(b"WARC/"):
            problem = Rejected("read", "bad_framing", f"no WARC record starts at byte {offset} "
                                                      f"(it starts {bytes(buffer.data[:20])!r})")
            yield Frame(offset, b"", b"", False, problem)
            _resync(buffer, 1)
            continue
        if head_end is None and buffer.eof:
            problem = Rejected("read", "truncated", f"the file ends inside this record's headers{buffer.ended_why()}")
            yield Frame(offset, bytes(buffer.data), b"", False, problem)
            return   # the cut is named by this rejection: no second one for the rest
        if head_end is None:
            problem = Rejected("read", "bad_framing", f"the record's headers do not end within {_HEAD_LIMIT:,} bytes")
            yield Frame(offset, bytes(buffer.data[:_HEAD_LIMIT]), b"", False, problem)
            _resync(buffer, 1)
            continue
        head = bytes(buffer.data[:head_end.end()])
        length = _CONTENT_LENGTH.search(head)
        if length is None:
            yield Frame(offset, head, b"", False, Rejected("read", "bad_framing", "the record has no valid Content-Length"))
            _resync(buffer, len(head))
            continue
        size = int(length.group(1))
        body = len(head)
        if size > max_bytes:
            # Not held, nor skipped by its length (a wrong one would swallow the rest of the file): the record
            # is rejected by its size whatever it holds, and the next record is the next record start.
            buffer.fill(body + _HEAD_LIMIT)
            yield Frame(offset, head, bytes(buffer.data[body:body + _HEAD_LIMIT]), False)
            _resync(buffer, body)
            continue
        if not buffer.fill(body + size + len(_RECORD_END[0])) and len(buffer.data) < body + size:
            problem = Rejected("read", "truncated", f"the file ends {size - (len(buffer.data) - body):,} bytes before "
                                                    f"the end of this record's Content-Length ({size:,}){buffer.ended_why()}")
            yield Frame(offset, head, bytes(buffer.data[body:body + 1200]), False, problem)
            return   # the cut is named by this rejection: no second one for the rest
        end = body + size
        closing = next((mark for mark in _RECORD_END if buffer.data.startswith(mark, end)), None)
        at_end = buffer.eof and end == len(buffer.data)   # the last record, its closing line ends missing
        if closing is None and not at_end:
            problem = Rejected("read", "bad_framing",
                               f"the record's Content-Length ({size:,}) does not end where the record does "
                               f"(it is followed by {bytes(buffer.data[end:end + 20])!r})")
            yield Frame(offset, head, bytes(buffer.data[body:body + 1200]), False, problem)
            _resync(buffer, body)
            continue
        yield Frame(offset, head, bytes(buffer.data[body:end]), True)
        buffer.drop(end + len(closing or b""))


def _resync(buffer: _Buffer, start: int) -> None:
    """Drop what the buffer holds up to the next record start at or after ``start`` (all of it when the stream
    has none), reading on as needed."""
    while True:
        found = _RECORD_START.search(buffer.data, start)
        if found:
            buffer.drop(found.start())
            return
        # Keep a tail that could be the start of a record start cut by the chunk.
        keep = min(len(buffer.data) - start, 16) if len(buffer.data) > start else 0
        buffer.drop(len(buffer.data) - keep)
        if buffer.eof:
            buffer.drop(len(buffer.data))
            return
        start = 0
        buffer.fill(len(buffer.data) + _CHUNK)


class WarcReader(Reader):
    name = "warc"
    extensions = (".warc",)

    def records(self, stream: BinaryIO, path: str, cursor: Cursor) -> Iterator[Record]:
        cursor.line = 0
        # verify_http off and no ARC: as warcio's ArchiveIterator reads by default.
        loader = ArcWarcRecordLoader(verify_http=False, arc2warc=False)
        for number, frame in enumerate(frames(stream, self.options.max_doc_bytes), 1):
            cursor.seen += 1   # counted before reading it: a record that gives nothing cannot reconcile
            record_id, metadata = f"{relative_name(path, self.options.id_root)}@{frame.offset}", {}
            data = frame.block
            try:
                record = loader.parse_record_stream(io.BytesIO(frame.head + frame.block), known_format="warc")
                headers = record.rec_headers
                # Never empty: an id is what the outputs, the ledger and the duplicates' keeper are keyed by.
                record_id = (headers.get_header("WARC-Record-ID") or "").strip() or record_id
                # The payload's type for an HTTP response; the record's own type (warcinfo, request) otherwise.
                content_type = (record.http_headers or headers).get_header("Content-Type") or ""
                metadata = {"warc_date": headers.get_header("WARC-Date"), "content_type": content_type}
                if frame.problem:
                    raise frame.problem
                if record.rec_type != "response" or not content_type.lower().startswith(_HTML_TYPES):
                    kind = f"a {record.rec_type} record" + (f" of {content_type}" if content_type else "")
                    raise Rejected("read", "not_html", f"{kind}, not an HTML response: skipped")
                if not frame.complete:
                    max_bytes = self.options.max_doc_bytes
                    raise Rejected("read", "too_large", f"larger than --max_doc_bytes ({max_bytes:,} bytes)")
                data = read_at_most(record.content_stream(), self.options.max_doc_bytes)
                check_not_binary(data)
                # Imported on the first page, not with the module: trafilatura takes about 0.2 s to import, and every
                # worker process imports the readers, also for a job that reads no HTML.
                from pipeline.core.pages import html_to_page
                page = html_to_page(decode_page(data), self.options.html_mode, ledger=self.options.ledger)
                yield Article(id=record_id, text=page.text, source=path, line=number, url=headers.get_header("WARC-Target-URI"),
                              title=page.title, metadata={**metadata, **page.metadata}, headline_in_text=False,
                              truncated=page.truncated, removals=page.removals), len(data)
            except Exception as error:   # one record that fails (a page the extraction cannot take) is that record's
                if not isinstance(error, Rejected):   # rejection, not the end of the archive
                    error = frame.problem or Rejected("read", "unreadable", f"could not read this record: {error!r}")
                error.record_id = record_id
                error.metadata = error.metadata or metadata
                if error.removals:   # a page without an article: its ledger line names it as its record would
                    error.url = headers.get_header("WARC-Target-URI")
                yield Rejection.of(error, path, data[:1200].decode("utf-8", "replace"), line=number), len(data)
            cursor.line = number
