"""Records that arrive as named fields (a JSONL object, a Parquet row) to articles.

The fields the job reads (``--text_field``, ``--id_field``, ``--url_field``, ``--title_field``) become the
article; every other field goes unchanged into its ``metadata``, also when the record is rejected.
"""

from __future__ import annotations

from pipeline.readers.base import JsonlFields
from pipeline.readers.ids import relative_name
from pipeline.records import Article, Rejected


def _optional_string(record: dict, key: str, record_id: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise Rejected("parse", "bad_field", f"field '{key}' must be a string, got {type(value).__name__}", record_id)


def article_from_fields(record: dict, path: str, number: int, fields: JsonlFields, id_root: str = "") -> Article:
    """One record's article; a missing id becomes ``<file below the glob's prefix>:<number>``; raises Rejected.

    >>> article = article_from_fields({"text": "Body", "date": "2026-05-25"}, "in/wire.jsonl", 3, JsonlFields())
    >>> article.id, article.metadata
    ('wire.jsonl:3', {'date': '2026-05-25'})
    """
    metadata = {key: value for key, value in record.items() if key not in (fields.text, fields.id, fields.url, fields.title)}
    try:
        raw_id = record.get(fields.id)
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, type(None))):
            raise Rejected("parse", "bad_field",
                           f"field '{fields.id}' must be a string or integer, got {type(raw_id).__name__}")
        article_id = (str(raw_id) if raw_id is not None and str(raw_id).strip()
                      else f"{relative_name(path, id_root)}:{number}")
        text = record.get(fields.text)
        if text is None:
            raise Rejected("parse", "missing_text", f"no '{fields.text}' field (set --text_field if it has another name)",
                           article_id)
        if not isinstance(text, str):
            raise Rejected("parse", "bad_field", f"field '{fields.text}' must be a string, got {type(text).__name__}",
                           article_id)
        return Article(
            id=article_id, text=text, source=path, line=number, metadata=metadata,
            url=_optional_string(record, fields.url, article_id), title=_optional_string(record, fields.title, article_id),
        )
    except Rejected as error:
        error.metadata = metadata
        raise
