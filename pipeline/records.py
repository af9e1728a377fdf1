"""The records that flow through the pipeline and the error that rejects one.

Records that reach an output have ``to_dict()``: the one shape every writer writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RAW_PREVIEW_CHARS = 300


@dataclass(frozen=True)
class Article:
    """One raw article as read from the input, before any cleaning."""

    id: str
    text: str
    source: str
    line: int | None = None
    url: str | None = None
    title: str | None = None
    # Lone surrogates the reader replaced with U+FFFD in the fields; the clean record's stats say how many.
    surrogates_replaced: int = 0


@dataclass(frozen=True)
class CleanArticle:
    id: str
    title: str
    text: str
    source: str
    line: int | None
    url: str | None
    stats: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        record: dict = {"id": self.id, "title": self.title, "text": self.text}
        if self.url:
            record["url"] = self.url
        record["source"] = self.source
        if self.line is not None:
            record["line"] = self.line
        record["stats"] = self.stats
        return record


@dataclass(frozen=True)
class FileTally:
    """How many records one input file gave, and where they went."""

    source: str
    read: int
    clean: int
    rejected: int

    @property
    def reconciled(self) -> bool:
        return self.read == self.clean + self.rejected

    def to_dict(self) -> dict:
        return {"source": self.source, "read": self.read, "clean": self.clean, "rejected": self.rejected}


class Rejected(Exception):
    """Raised by the text core when a record cannot be cleaned.

    ``reason`` is a short code that is counted; ``detail`` tells a person what
    to do about it.
    """

    def __init__(self, stage: str, reason: str, detail: str, record_id: str | None = None):
        super().__init__(f"{stage}/{reason}: {detail}")
        self.stage = stage
        self.reason = reason
        self.detail = detail
        self.record_id = record_id


@dataclass(frozen=True)
class Rejection:
    """A record that went to the rejected output instead of the clean one."""

    stage: str
    reason: str
    detail: str
    source: str
    id: str | None = None
    line: int | None = None
    raw_start: str = ""

    @classmethod
    def of(cls, error: Rejected, source: str, raw: str, id: str | None = None,
           line: int | None = None) -> Rejection:
        return cls(stage=error.stage, reason=error.reason, detail=error.detail,
                   source=source, id=id or error.record_id, line=line, raw_start=raw[:RAW_PREVIEW_CHARS])

    def to_dict(self) -> dict:
        record: dict = {"id": self.id, "source": self.source}
        if self.line is not None:
            record["line"] = self.line
        record.update(stage=self.stage, reason=self.reason, detail=self.detail, raw_start=self.raw_start)
        return record
