"""The records that flow through the pipeline and the error that rejects one.

Records that reach an output have ``to_dict()``: the one shape every writer writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RAW_PREVIEW_CHARS = 300


@dataclass(frozen=True)
class Article:
    """One raw article as read from the input, before any cleaning."""

    id: str
    text: str
    # The input file's path; written as ``input_file``, since input records often carry a ``source`` of their own
    # (the publisher), which stays in ``metadata``.
    source: str
    line: int | None = None
    url: str | None = None
    title: str | None = None
    # What the input states about the article besides what the job reads: a JSONL record's or Parquet row's other
    # fields unchanged, a page's author, date, site_name, language, a WARC record's date and content type.
    metadata: dict[str, Any] = field(default_factory=dict)
    # False where the title comes from elsewhere (a page's own title): the text's first line is body.
    headline_in_text: bool = True
    # Lone surrogates the reader replaced with U+FFFD in the fields; the clean record's stats say how many.
    surrogates_replaced: int = 0
    # What the page's markup says about its text being a teaser (pipeline.core.truncated.markup_evidence), or None.
    truncated: str | None = None
    # With --ledger, what a page's extraction left out (pipeline.core.ledger.Removal, step "extract", offsets in the
    # page's full text); written to removed-* ahead of the cleaning's removals.
    removals: tuple = ()

    def __post_init__(self):
        # Ids key the outputs and the ledger, and the duplicates' keeper compares them: a reader that finds none
        # names the record by where it is (FILE@OFFSET, FILE:ROW, the file's path), never by nothing.
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"an article's id must be a non-empty string, got {self.id!r}")


@dataclass(frozen=True)
class CleanArticle:
    id: str
    title: str
    text: str
    source: str
    line: int | None
    url: str | None
    stats: dict = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    # With --ledger, what the steps removed (pipeline.core.ledger.Removal); written to removed-*, not with the article.
    removals: tuple = ()

    def to_dict(self) -> dict:
        """Every key always present, in one order (docs/schema/clean.schema.json): a columnar writer needs one
        schema for every shard, so rule hits are a list, not an object keyed by the rules that happened to fire."""
        stats = self.stats
        return {
            "id": self.id, "title": self.title, "text": self.text, "url": self.url, "input_file": self.source,
            "line": self.line, "metadata": self.metadata,
            "stats": {
                "chars_in": stats["chars_in"], "chars_out": stats["chars_out"],
                "headline_repeats": stats["headline_repeats"],
                "rules": [{"rule": name, "hits": hits} for name, hits in stats["rules"].items()],
                "words_removed_by_rules": stats["words_removed_by_rules"],
                "mass_removal": stats.get("mass_removal", False),   # the step sets it only when true
                # What the reader and normalisation had to repair in hostile input; 0 almost always.
                "surrogates_replaced": stats.get("surrogates_replaced", 0),
                "combining_marks_dropped": stats.get("combining_marks_dropped", 0),
                "truncated": stats.get("truncated"),   # {signal, evidence} of a teaser or paywall, else None
            },
        }


@dataclass(frozen=True)
class FileTally:
    """How many records one input file gave, and where they went."""

    source: str
    read: int
    clean: int
    rejected: int
    duplicates: int = 0

    @property
    def reconciled(self) -> bool:
        return self.read == self.clean + self.rejected + self.duplicates

    def to_dict(self) -> dict:
        return {"input_file": self.source, "read": self.read, "clean": self.clean, "rejected": self.rejected,
                "duplicates": self.duplicates}


class Rejected(Exception):
    """Raised by the text core when a record cannot be cleaned.

    ``reason`` is a short code that is counted; ``detail`` tells a person what
    to do about it.
    """

    def __init__(self, stage: str, reason: str, detail: str, record_id: str | None = None,
                 metadata: dict[str, Any] | None = None):
        super().__init__(f"{stage}/{reason}: {detail}")
        self.stage = stage
        self.reason = reason
        self.detail = detail
        self.record_id = record_id
        # The record's metadata when it parsed far enough to have one, so a rejection keeps it too.
        self.metadata = metadata or {}
        # With --ledger, what a page's extraction left out before it found nothing (see Article.removals), and the
        # page's URL for its ledger line.
        self.removals: tuple = ()
        self.url: str | None = None


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
    metadata: dict[str, Any] = field(default_factory=dict)
    # With --ledger, what a page's extraction left out (see Article.removals) and its URL; written to removed-*,
    # not here.
    removals: tuple = ()
    url: str | None = None

    @classmethod
    def of(cls, error: Rejected, source: str, raw: str, id: str | None = None,
           line: int | None = None, metadata: dict[str, Any] | None = None) -> Rejection:
        return cls(stage=error.stage, reason=error.reason, detail=error.detail,
                   source=source, id=id or error.record_id, line=line, raw_start=raw[:RAW_PREVIEW_CHARS],
                   metadata=error.metadata if metadata is None else metadata, removals=error.removals,
                   url=error.url)

    def to_dict(self) -> dict:
        """Every key always present, in one order (docs/schema/rejected.schema.json)."""
        return {"id": self.id, "input_file": self.source, "line": self.line, "stage": self.stage, "reason": self.reason,
                "detail": self.detail, "raw_start": self.raw_start, "metadata": self.metadata}
