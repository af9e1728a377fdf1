"""Step 6: the article's language, into its metadata; with ``--languages``, the others go to rejected.

``metadata.language`` is the language detected in the clean headline and text, ``language_score`` the model's
confidence in it; a page's or record's own declaration (``<html lang>``, a JSONL ``language`` field), where it
is not the detected code, stays beside it as ``declared_language``. Last, so the model reads the text the output
holds, not the menus and share bars the rules removed.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.language import IDENTIFIED_CHARS, identifier, identify
from pipeline.records import Rejected
from pipeline.rules.schema import Rule
from pipeline.steps.base import CleanOptions, Draft, Step


class IdentifyLanguage(Step):
    name = "language"

    def __init__(self, rules: Sequence[Rule], options: CleanOptions):
        super().__init__(rules, options)
        identifier()   # the model loads here, once per process, not at the first document

    def apply(self, draft: Draft) -> None:
        body = draft.body[:IDENTIFIED_CHARS]   # not a copy of the whole text: only its start is read
        language, score = identify(f"{draft.title}\n{body}" if draft.title else body)
        declared = draft.metadata.get("language")
        draft.metadata = {**draft.metadata, "language": language, "language_score": score}
        if declared is not None and declared != language:
            draft.metadata["declared_language"] = declared
        if self.options.languages and language not in self.options.languages:
            raise Rejected("clean", "language", f"detected {language} ({score:.2f}); kept: {', '.join(self.options.languages)}")
