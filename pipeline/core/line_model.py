"""A second opinion on the lines the rules left: a small scorer of how much a line looks like page furniture.

Plain text work, no Beam, no site names. Each line of a body gets features a reader would use (its length, where
it sits from the start and the end, its shares of capitals, digits, punctuation and stop words, furniture words
such as click, share, subscribe or donate, the run of short lines around it), and a logistic regression over
them gives the probability that it is cruft. ``bench/train_line_model.py`` trains the weights on the project's
own labelled lines only (``bench/labelled/sample.jsonl``), chooses the threshold on its hold-out (content kept
at least 0.9995) and raises it above every line of the BBC articles, which are clean; the weights and the
threshold ship in ``line_model.json`` beside this file.

Why a logistic regression of our own: scoring is one dot product per line in plain Python (a tree ensemble would
walk a few hundred nodes per line instead), nothing is added at run time, and the model is a few hundred numbers
anyone can read. The model acts only on lines that show a sign of furniture (:func:`removable`).

The features are English (stop words, furniture words): the step that uses them runs only on articles
identified as English.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources

FEATURES = (
    "log_chars", "log_words", "one_to_three_words", "up_to_eight_words", "first_line", "last_line",
    "lines_from_start", "lines_from_end", "upper_share", "digit_share", "punct_share", "ends_sentence",
    "ends_colon", "stop_share", "capitalised_share", "all_capitals", "you_share", "action_words",
    "furniture_words", "cue_share", "starts_with_cue", "short_with_cue",
    "link_or_handle", "separators", "short_run", "previous_short", "next_short", "previous_long", "next_long",
    "only_short_after", "repeated", "quoted", "date_or_time",
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]")
_ENDS_SENTENCE = re.compile(r"""[.!?…]["'”’)\]]*\s*$""")
_LINK = re.compile(r"https?://|www\.|\S@\S|(?:^|\s)[@#]\w")
_SEPARATORS = re.compile(r"\s[|•·»/]\s|\s[|•·»]$|^[|•·»]\s")
_QUOTE = re.compile(r"[\"“”]")
_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago\b", re.IGNORECASE)
STOP_WORDS = frozenset(
    "a about after all also an and any are as at be been but by can could did do for from had has have he her "
    "his how i if in into is it its last more most not of on one or our out over said say says she so some than "
    "that the their them there they this to up was we were what when which who will with would".split())
ACTION_WORDS = frozenset(
    "click tap share shares shared comment comments subscribe subscribed subscription follow donate donation "
    "sign signup join support tip register login log download watch listen like liked tweet email "
    "newsletter read continue visit".split())
FURNITURE_WORDS = frozenset(
    "advertisement advertisements ad ads sponsored copyright rights reserved related recommended trending "
    "popular facebook twitter instagram youtube whatsapp telegram linkedin pinterest reddit podcast video "
    "videos photo photos image images getty cookies privacy terms policy menu home tags tagged "
    "archive archives posted filed author bio contact contacts disclaimer continued "
    "slideshow gallery more".split())
# Both kinds of furniture word: a line that starts with one or is mostly made of them is a label or a prompt.
CUE_WORDS = ACTION_WORDS | FURNITURE_WORDS
# The words that let the model act on a line: furniture words that prose rarely uses. Words such as like, support,
# watch, rights, follow or Twitter are features, but a line holding only those is a subhead or a quote as often
# ("What action looks like", "Clarke's tweet also attracted widespread criticism.").
GATE_WORDS = frozenset(
    "click subscribe subscribed subscription donate donation signup newsletter advertisement advertisements "
    "sponsored copyright reserved related recommended trending podcast getty cookies tags tagged archive "
    "archives filed disclaimer continued slideshow gallery comments".split())
_GATE = re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(GATE_WORDS, key=len, reverse=True)) + r")(?![^\W\d_])",
                   re.IGNORECASE)
# Never on an embedded post (a quoted tweet, its link or its attribution): it is the story's evidence.
_EMBEDDED_POST = re.compile(r"pic\.twitter\.com|t\.co/|—\s[^\n]{1,60}\(@\w+\)")
YOU_WORDS = frozenset(("you", "your", "you're", "yours", "you’re"))
# A line of at most this many words is short: menus, labels and teaser runs are made of them.
SHORT_WORDS = 8
# A line of at least this many words is a paragraph of prose: a short line just above one is a subhead more often
# than furniture.
LONG_WORDS = 20
# A sentence of at least this many words is prose, never furniture for the model, whatever words it holds
# ("Watch the video and count for yourself. The man in the baby carrier appears at 0:03 ...").
PROSE_WORDS = 10
# Lines counted from either end: beyond five, a line is simply inside the text.
EDGE_LINES = 5


def line_features(lines: list[str], indices: Sequence[int] | None = None) -> list[list[float]]:
    """One feature vector (in the order of FEATURES) for each line of ``lines`` (the non-empty lines of one text),
    or for those at ``indices`` only: a line's features read its neighbours, so they always see the whole text.

    >>> [round(v, 2) for v in line_features(["Share this story", "The storm hit the coast at dawn."])[0][:6]]
    [2.83, 1.39, 1.0, 1.0, 1.0, 0.0]
    """
    words = [_WORD.findall(line) for line in lines]
    short = [0 < len(w) <= SHORT_WORDS for w in words]
    long = [len(w) >= LONG_WORDS for w in words]
    runs = _short_runs(short)
    # The index of the last line that is not short: every line after it is short (a tail of furniture).
    last_not_short = max((i for i, is_short in enumerate(short) if not is_short), default=-1)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    last = len(lines) - 1
    vectors = []
    for i in range(len(lines)) if indices is None else indices:
        line, tokens = lines[i], words[i]
        n_words = len(tokens)
        folded = [token.lower() for token in tokens]
        letters = len(_LETTER.findall(line))
        chars = len(line) or 1
        per_word = 1 / n_words if n_words else 0.0
        actions = sum(word in ACTION_WORDS for word in folded)
        furniture = sum(word in FURNITURE_WORDS for word in folded)
        upper = len(_UPPER.findall(line))
        vectors.append([
            math.log1p(len(line)),
            math.log1p(n_words),
            float(0 < n_words <= 3),
            float(short[i]),
            float(i == 0),
            float(i == last),
            min(i, EDGE_LINES) / EDGE_LINES,
            min(last - i, EDGE_LINES) / EDGE_LINES,
            upper / letters if letters else 0.0,
            len(_DIGIT.findall(line)) / chars,
            len(_PUNCT.findall(line)) / chars,
            float(bool(_ENDS_SENTENCE.search(line))),
            float(line.rstrip().endswith(":")),
            sum(word in STOP_WORDS for word in folded) * per_word,
            sum(token[0].isupper() for token in tokens) * per_word,
            float(letters > 1 and upper == letters),
            sum(word in YOU_WORDS for word in folded) * per_word,
            math.log1p(actions),
            math.log1p(furniture),
            (actions + furniture) * per_word,
            float(bool(folded) and folded[0] in CUE_WORDS),
            float(short[i] and actions + furniture > 0),
            float(bool(_LINK.search(line))),
            float(bool(_SEPARATORS.search(line))),
            math.log1p(runs[i]),
            float(i > 0 and short[i - 1]),
            float(i < last and short[i + 1]),
            float(i > 0 and long[i - 1]),
            float(i < last and long[i + 1]),
            float(i >= last_not_short),
            float(counts[line] > 1),
            float(bool(_QUOTE.search(line))),
            float(bool(_DATE.search(line))),
        ])
    return vectors


def _short_runs(short: list[bool]) -> list[int]:
    """For each line, the length of the run of consecutive short lines it is in (0 for a line that is not short)."""
    runs = [0] * len(short)
    i = 0
    while i < len(short):
        if not short[i]:
            i += 1
            continue
        j = i
        while j < len(short) and short[j]:
            j += 1
        runs[i:j] = [j - i] * (j - i)
        i = j
    return runs


@dataclass(frozen=True)
class LineModel:
    """A logistic regression over standardised features: P(cruft) = 1 / (1 + exp(-(b + w . (x - mean) / scale)))."""

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    threshold: float
    _factors: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _offset: float = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not len(self.weights) == len(self.means) == len(self.scales) == len(FEATURES):
            raise ValueError(f"a line model needs {len(FEATURES)} weights, means and scales")
        if not 0 < self.threshold < 1:
            raise ValueError(f"a line model's threshold must be in (0, 1), not {self.threshold}")
        # Folded once, not per document: the weight of each raw feature, and the constant the means add.
        factors = tuple(w / s for w, s in zip(self.weights, self.scales, strict=True))
        object.__setattr__(self, "_factors", factors)
        object.__setattr__(self, "_offset", self.bias - sum(f * m for f, m in zip(factors, self.means, strict=True)))

    def scores(self, lines: list[str], indices: Sequence[int] | None = None) -> list[float]:
        """P(cruft) for each of ``lines`` (the non-empty lines of one text in order), or for those at ``indices``."""
        factors, offset = self._factors, self._offset
        out = []
        for vector in line_features(lines, indices):
            z = offset + sum(f * v for f, v in zip(factors, vector, strict=True))
            out.append(1 / (1 + math.exp(-z)) if z > -500 else 0.0)
        return out

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "weights": list(self.weights), "bias": self.bias,
                "means": list(self.means), "scales": list(self.scales), "threshold": self.threshold}

    @classmethod
    def from_dict(cls, data: dict) -> LineModel:
        if data.get("features") != list(FEATURES):
            raise ValueError("the line model was trained on other features than pipeline.core.line_model.FEATURES; "
                             "retrain it with bench/train_line_model.py")
        return cls(tuple(data["weights"]), data["bias"], tuple(data["means"]), tuple(data["scales"]),
                   data["threshold"])


MODEL_FILE = "line_model.json"


def bundled_model() -> LineModel:
    """The model shipped in the package (``pipeline/core/line_model.json``)."""
    text = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return LineModel.from_dict(json.loads(text)["model"])


def removable(line: str) -> bool:
    """Whether the model may remove ``line`` at all: only a line that shows a sign of furniture, a furniture word
    prose rarely uses (GATE_WORDS), a link or handle, or a date or time, and is neither an embedded post nor a
    sentence of prose. Short lines without one are
    subheads, list items and fixtures as often as labels ("Winners meet in final match", "78,000"), and a line
    scorer cannot tell them apart; the rules and the not-article check judge those.

    >>> removable("Subscribe to our newsletter"), removable("Winners meet in final match"), removable("78,000")
    (True, False, False)
    """
    if _EMBEDDED_POST.search(line) or (len(_WORD.findall(line)) >= PROSE_WORDS and _ENDS_SENTENCE.search(line)):
        return False
    return bool(_GATE.search(line) or _DATE.search(line) or _LINK.search(line))


def cruft_lines(body: str, model: LineModel) -> list[tuple[int, int, float]]:
    """The lines of ``body`` the model scores at or above its threshold: ``(start, end, score)``, offsets of the
    line without its line break, in order."""
    lines, starts = [], []
    start = 0
    for line in body.split("\n"):
        if line.strip():
            lines.append(line)
            starts.append(start)
        start += len(line) + 1
    # Only a line the model may remove is scored: most texts have none, and cost a few searches a line.
    candidates = [i for i, line in enumerate(lines) if removable(line)]
    if not candidates:
        return []
    return [(starts[i], starts[i] + len(lines[i]), score)
            for i, score in zip(candidates, model.scores(lines, candidates), strict=True)
            if score >= model.threshold]
