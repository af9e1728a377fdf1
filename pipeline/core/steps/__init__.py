"""The cleaning steps, in the order :class:`pipeline.core.clean.Cleaner` runs them.

A new step is a module here with a :class:`Step` subclass, and one line in ``STEPS``.
"""

from pipeline.core.steps.apply_rules import ApplyRules
from pipeline.core.steps.base import DEFAULT_MAX_REMOVED_SHARE, MASS_REMOVAL_ACTIONS, TRUNCATED_ACTIONS, CleanOptions, Draft, Step
from pipeline.core.steps.headline_repeats import DropHeadlineRepeats
from pipeline.core.steps.language import IdentifyLanguage
from pipeline.core.steps.line_model import RemoveCruftLines
from pipeline.core.steps.normalize_text import NormalizeText
from pipeline.core.steps.not_article import RejectNotArticles
from pipeline.core.steps.repeated_paragraphs import DropRepeatedParagraphs
from pipeline.core.steps.split_headline import SplitHeadline
from pipeline.core.steps.truncated import FlagTruncated

STEPS: tuple[type[Step], ...] = (
    NormalizeText,
    SplitHeadline,
    FlagTruncated,
    ApplyRules,
    DropHeadlineRepeats,
    DropRepeatedParagraphs,
    RejectNotArticles,
    IdentifyLanguage,
    RemoveCruftLines,
)

__all__ = ["DEFAULT_MAX_REMOVED_SHARE", "MASS_REMOVAL_ACTIONS", "STEPS", "TRUNCATED_ACTIONS", "CleanOptions", "Draft", "Step"]
