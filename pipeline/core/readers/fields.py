"""Records that arrive as named fields (a JSONL object, a Parquet row) to articles.

The fields the job reads (``--text_field``, ``--id_field``, ``--url_field``, ``--title_field``) become the
article; every other field goes unchanged into its ``metadata``, also when the record is rejected.
"""

from __future__ import annotations

import json
import math
from typing import Any

from pipeline.core.readers.base import JsonlFields
from pipeline.core.readers.decoding import replace_surrogates
from pipeline.core.readers.ids import relative_name
from pipeline.core.records import Article, Rejected


def _optional_string(record: dict, key: str, record_id: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise Rejected("parse", "bad_field", f"field '{key}' must be a string, got {type(value).__name__}", record_id)


def _without_surrogates(value, counted: list[int]):
    """``value`` with lone surrogates in every string replaced (see :func:`replace_surrogates`), counted."""
    if isinstance(value, str):
        value, replaced = replace_surrogates(value)
        counted[0] += replaced
        return value
    if isinstance(value, dict):
        return {_without_surrogates(key, counted): _without_surrogates(item, counted) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(item, counted) for item in value]
    return value


def finite_numbers(value: Any) -> Any:
    """``value`` with every float that is not finite as the text Python's json would have written for it: JSON has
    no such number, and an output that spells ``NaN`` bare is no JSON (JSONL's parser accepts it, Parquet floats
    hold it).

    >>> finite_numbers({"score": float("nan"), "range": [float("-inf"), 1e999], "words": 2.5})
    {'score': 'NaN', 'range': ['-Infinity', 'Infinity'], 'words': 2.5}
    >>> finite_numbers({"words": 412, "tags": ["a"]})
    {'words': 412, 'tags': ['a']}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else json.dumps(value)
    if isinstance(value, dict):
        return {key: finite_numbers(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_numbers(item) for item in value]
    return value


def metadata_of(record: dict, fields: JsonlFields) -> dict:
    """Every field of ``record`` but the ones the job reads, its numbers finite (see :func:`finite_numbers`)."""
    return {key: finite_numbers(value) for key, value in record.items()
            if key not in (fields.text, fields.id, fields.url, fields.title)}


def article_from_fields(record: dict, path: str, number: int, fields: JsonlFields, id_root: str = "",
                        id_separator: str = ":") -> Article:
    """One record's article; a missing id becomes ``<file below the glob's prefix><id_separator><number>``
    (``:`` and a row number for Parquet, ``@`` and a byte offset for JSONL); raises Rejected.

    Lone surrogates (JSON can spell ``"\\udc00"``) become U+FFFD in every field, so none reaches a coder or
    writer; the article counts them.

    >>> article = article_from_fields({"text": "Body", "date": "2026-05-25"}, "in/wire.jsonl", 3, JsonlFields())
    >>> article.id, article.metadata
    ('wire.jsonl:3', {'date': '2026-05-25'})
    """
    replaced = [0]
    try:
        record = _without_surrogates(record, replaced)
        metadata = metadata_of(record, fields)
    except RecursionError:   # the parser takes deeper nesting than this walk of it
        raise Rejected("parse", "invalid_json", "JSON nested too deeply to read") from None
    try:
        raw_id = record.get(fields.id)
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, type(None))):
            raise Rejected("parse", "bad_field",
                           f"field '{fields.id}' must be a string or integer, got {type(raw_id).__name__}")
        if isinstance(raw_id, int):
            raw_id = str(raw_id)   # the parser refuses integers of over 4,300 digits, so this one converts
        article_id = raw_id if raw_id is not None and raw_id.strip() else f"{relative_name(path, id_root)}{id_separator}{number}"
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
            surrogates_replaced=replaced[0],
        )
    except Rejected as error:
        error.metadata = metadata
        raise
