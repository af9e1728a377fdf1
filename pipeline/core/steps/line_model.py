"""Step 8: the lines the rules left that the line model scores as furniture (``--line_model on``; off by default).

After the language step, because the model's features are English: it runs only on articles identified as
English. Each line it removes is in the ledger with cause ``line-model`` and its score. A document where the
model would take more than ``HELD_BACK_SHARE`` of the words is left as it is and counted: the model was trained
on lines, and a page mostly made of what it scores high is one the rules and the not-article check judge
better than a line scorer does.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.line_model import LineModel, bundled_model, cruft_lines
from pipeline.core.rules.schema import Rule
from pipeline.core.steps.base import CleanOptions, Draft, Step, without_spans
from pipeline.core.words import count_words

# The cause each removal has in the ledger.
LINE_MODEL = "line-model"
# The language the model's features were made for.
MODEL_LANGUAGE = "en"
HELD_BACK_SHARE = 0.25


class RemoveCruftLines(Step):
    name = "line_model"

    def __init__(self, model: LineModel | None = None):
        self.model = model   # None: --line_model off, the step does nothing

    @classmethod
    def from_options(cls, rules: Sequence[Rule], options: CleanOptions) -> RemoveCruftLines:
        return cls(bundled_model() if options.line_model else None)

    def apply(self, draft: Draft) -> None:
        if self.model is None or draft.metadata.get("language") != MODEL_LANGUAGE:
            return
        found = cruft_lines(draft.body, self.model)
        if not found:
            return
        body = draft.body
        removed_words = sum(count_words(body[start:end]) for start, end, _ in found)
        if removed_words > HELD_BACK_SHARE * count_words(body):
            draft.stats["line_model_held_back"] = True
            return
        if draft.ledger:
            draft.ledger.removed(self.name, [(LINE_MODEL, start, end, "") for start, end, _ in found],
                                 scores=[round(score, 4) for _, _, score in found])
        draft.body = without_spans(body, [(start, end) for start, end, _ in found])
        if draft.ledger:
            draft.ledger.follow(draft.body)
        draft.stats["line_model_lines"] = len(found)
