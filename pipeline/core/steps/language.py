"""Step 6: the article's language, into its metadata; with ``--languages``, the others go to rejected.

``metadata.language`` is the language detected in the clean headline and text, ``language_score`` the model's
confidence in it; a page's or record's own declaration (``<html lang>``, a JSONL ``language`` field), where it
is not exactly the detected code (``en-GB`` beside ``en`` says more than ``en``), stays beside it as
``declared_language``. Last, so the model reads the text the output holds, not the menus and share bars the
rules removed.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.language import IDENTIFIED_CHARS, identifier, identify
from pipeline.core.records import Rejected
from pipeline.core.rules.schema import Rule
from pipeline.core.steps.base import CleanOptions, Draft, Step

# The reason code of an article detected in a language --languages does not keep.
REJECTED_LANGUAGE = "language"


def language_metadata(metadata: dict, language: str, score: float) -> dict:
    """``metadata`` with the detected language and its score; a declaration other than the code stays beside.

    >>> language_metadata({"language": "en-GB", "site_name": "x"}, "ru", 0.99)
    {'language': 'ru', 'site_name': 'x', 'language_score': 0.99, 'declared_language': 'en-GB'}
    >>> language_metadata({"language": "en"}, "en", 1.0)
    {'language': 'en', 'language_score': 1.0}
    """
    declared = metadata.get("language")
    out = {**metadata, "language": language, "language_score": score}
    if declared is not None and declared != language:
        out["declared_language"] = declared
    return out


class IdentifyLanguage(Step):
    name = "language"

    def __init__(self, languages: Sequence[str] = ()):
        self.languages = tuple(languages)
        identifier()   # the model loads here, once per process, not at the first document

    @classmethod
    def from_options(cls, rules: Sequence[Rule], options: CleanOptions) -> IdentifyLanguage:
        return cls(options.languages)

    def apply(self, draft: Draft) -> None:
        body = draft.body[:IDENTIFIED_CHARS]   # not a copy of the whole text: only its start is read
        language, score = identify(f"{draft.title}\n{body}" if draft.title else body)
        draft.metadata = language_metadata(draft.metadata, language, score)
        if self.languages and language not in self.languages:
            # The rejected record keeps the detected language in its metadata too, to count and filter by.
            kept = ", ".join(self.languages)
            raise Rejected("clean", REJECTED_LANGUAGE, f"detected {language} ({score:.2f}); kept: {kept}",
                           metadata=draft.metadata)
