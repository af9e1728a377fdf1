"""What a "word" is, for every script: the one count that every step, score and report uses.

Text with spaces between words (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Hangul...): a word is a run
of characters between spaces, exactly as ``str.split()`` has always counted it, so the thresholds tuned on the
English corpora mean what they meant. Scripts written without spaces have no such run: a Japanese paragraph is
one "word" of two hundred characters. There, each unit counts as Unicode word segmentation (UAX #29, without a
dictionary) cuts it: each Han ideograph, each Hiragana character, a run of Katakana (a loanword, ``ニュース``),
and each letter of Thai, Lao, Khmer and Myanmar (their combining vowel and tone marks aside). Their ideographic
punctuation (``、。「」``, full-width forms) is no word, as the space it stands in for is none.

One Han or Hiragana character is less than an English word (news Chinese averages about 1.5 characters a
word), and a Thai letter much less (the Thai fixture: 2.6 letters a word): the count errs towards more words,
the side on which no article is taken for a menu or a headline.
"""

from __future__ import annotations

import re

import regex

_UNSPACED = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
# U+3000-303F: CJK symbols and punctuation (ideographic space, 、。「」〜); U+FF00-FFEF: half- and full-width forms.
_CJK_PUNCTUATION = r"\u3000-\u303f\uff00-\uffef"
_HAS_UNSPACED = regex.compile(rf"[{_UNSPACED}]")
# A character that may be of one of those scripts: none is below U+0E00 or among the Latin and Greek letters,
# punctuation and symbols of U+1E00-U+2BFF (curly quotes, dashes). ``re`` scans for it ten times faster
# than ``regex`` scans for the script properties, and most non-ASCII news holds only such quotes.
_MAYBE_UNSPACED = re.compile("[^\x00-\u0dff\u1e00-\u2bff]")
_WORD = regex.compile(
    r"(?V1)[\p{Han}\p{Hiragana}]|[\p{Katakana}\u30fc]+|[[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]&&\p{L}]"
    rf"|[^\s{_UNSPACED}{_CJK_PUNCTUATION}]+")

# The same units without punctuation: a run of word characters, each unit of a script without spaces apart.
_LETTERS = regex.compile(
    r"(?V1)[\p{Han}\p{Hiragana}]|[\p{Katakana}\u30fc]+|[[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]&&\p{L}]"
    rf"|[\w--[{_UNSPACED}\u30fc]]+")


def has_unspaced_script(text: str) -> bool:
    """Whether ``text`` holds a character of a script written without spaces between words.

    >>> has_unspaced_script("東京で地震")
    True
    >>> has_unspaced_script("Москва, 5 декабря")
    False
    """
    return (not text.isascii() and _MAYBE_UNSPACED.search(text) is not None
            and _HAS_UNSPACED.search(text) is not None)


def words(text: str) -> list[str]:
    """The words of ``text``: its space-separated runs, with each unit of a script without spaces a word.

    >>> words("政府は新たなニュースを発表した。")
    ['政', '府', 'は', '新', 'た', 'な', 'ニュース', 'を', '発', '表', 'し', 'た']
    >>> words("Storm hits - coast (BBC)")
    ['Storm', 'hits', '-', 'coast', '(BBC)']
    """
    if not has_unspaced_script(text):
        return text.split()
    return _WORD.findall(text)


def letter_words(text: str) -> list[str]:
    """The runs of word characters of ``text``, punctuation left out, with each unit of a script without spaces
    a word of its own (as in :func:`words`): what duplicate detection compares.

    >>> letter_words("東京（ロイター）地震が起きた。")
    ['東', '京', 'ロイター', '地', '震', 'が', '起', 'き', 'た']
    >>> letter_words("It's “BREAKING” news")
    ['It', 's', 'BREAKING', 'news']
    """
    return _LETTERS.findall(text)


def word_count(text: str) -> int:
    """How many :func:`words` ``text`` holds.

    >>> word_count("東京（ロイター）地震が起きた。")
    9
    >>> word_count("Winds of 100 km/h.")
    4
    """
    if not has_unspaced_script(text):
        return len(text.split())
    return sum(1 for _ in _WORD.finditer(text))


def count_words(tidy_text: str) -> int:
    """:func:`word_count` of a text that went through ``tidy_layout``, without splitting it when it has spaces.

    There, words with spaces are separated by one space, one line break or one blank line.

    >>> count_words("Two words\\nand three more.\\n\\nLast.")
    6
    >>> count_words("")
    0
    >>> count_words("地震\\n\\n津波")
    4
    """
    if not tidy_text:
        return 0
    if has_unspaced_script(tidy_text):
        return word_count(tidy_text)
    return tidy_text.count(" ") + tidy_text.count("\n") - tidy_text.count("\n\n") + 1
