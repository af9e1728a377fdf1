"""Site names appended to a headline (``Storm cuts power | Coastal Herald``, ``... ⋆ Freedom Daily``).

One judgement for every place a headline shows up: a page's ``<title>`` and
``og:title``, a record's title field, and the headline's repeats at the top of
the text. A part after a separator is a site name when it *names the site*
(:func:`names_site`: the URL's host, the page's site name, the record's
source), or, where the context says a suffix is expected (a ``<title>``, a line
that repeats the headline), when it is short. Anything else is a subtitle and stays:
``Temperatures are rising - and so are ice cream prices``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

import regex

# "Headline | Site", "Headline - Site", "Headline ⋆ Site": the part after the last separator. A hyphen or
# colon counts only between spaces ("Covid-19", "Trump: no deal" are headlines). Chinese and Japanese titles,
# without spaces, use the full-width bar ("見出し｜新聞") and the underscore ("标题_晚报"), which counts only
# where it does not join two ASCII letters or digits ("file_name"), and the hyphen between two Han or Kana
# characters ("标题-晚报", "标题--人民网"), where no word is hyphenated.
_SEPARATOR = (r"(?:[ ]*[|–—•⋆·»｜][ ]*|[ ]+[-:][ ]+|[ ]*(?<![A-Za-z0-9])_(?![A-Za-z0-9])[ ]*"
              r"|(?<=[\p{Han}\p{Hiragana}\p{Katakana}])-{1,2}(?=[\p{Han}\p{Hiragana}\p{Katakana}]))")
_TAIL = r"(?P<tail>[^|–—•⋆·»｜_:\n]{1,60})"
_SEPARATED_TAIL = regex.compile(rf"^(?P<head>.+?){_SEPARATOR}{_TAIL}$")
_SUFFIX = regex.compile(_SEPARATOR + _TAIL)
_COLON_TAIL = regex.compile(rf"^(?P<head>.+)：{_TAIL}$")
# A part after a separator only Chinese and Japanese titles use (the underscore, the hyphen between Han or Kana
# characters, the full-width bar), of at most 12 characters.
_WIDE_SECTION = regex.compile(r"^(?P<head>.+?)(?:[ ]*(?<![A-Za-z0-9])_(?![A-Za-z0-9])[ ]*|[ ]*｜[ ]*"
                              r"|(?<=[\p{Han}\p{Hiragana}\p{Katakana}])-{1,2}(?=[\p{Han}\p{Hiragana}\p{Katakana}]))"
                              r"[^|–—•⋆·»｜_:\n]{1,12}$")
_WORD = regex.compile(r"\w+")
# Words a site's name adds to what its host spells: "The Eagle Rising Daily" on eaglerising.com.
_FILLER = regex.compile(r"(?:the|news|daily|online|com|net|org|co|uk|www|media|network|tv|and)*")
# Where a suffix is expected, this many words pass without naming the site (" | Daily Post").
SHORT_SUFFIX_WORDS = 3


def squash(text: str) -> str:
    """Letters and digits only, lower case: the form in which a suffix and a site name compare."""
    return "".join(_WORD.findall(text.lower()))


def host_of(url: str | None) -> str:
    """The URL's host, in lower case, without ``www.``; '' without a URL. The one place a site is named by its URL.

    >>> host_of("https://www.BBC.com/news/articles/x")
    'bbc.com'
    >>> host_of(None)
    ''
    """
    return ((urlsplit(url).hostname or "") if url else "").lower().removeprefix("www.")


def site_names(url: str | None, *names: str | None) -> list[str]:
    """The names a document's site goes by: its URL's host (whole, and without ``www.`` and the domain
    ending), and any names given (a page's ``og:site_name``, a record's ``source``), squashed.

    >>> site_names("https://www.eaglerising.com/36899/x", "The Hill")
    ['eaglerisingcom', 'eaglerising', 'thehill']
    """
    host = host_of(url)
    found = [squash(host), squash(host.split(".")[0])] if host else []
    return [name for name in dict.fromkeys([*found, *(squash(name) for name in names if name)]) if name]


def names_site(tail: str, names: Iterable[str]) -> bool:
    """Whether ``tail`` names one of the (squashed) site ``names``: it is part of one, or it is one with
    filler words around it (``The Eagle Rising Daily``, ``BBC News``); ``CBS News poll`` is not ``cbsnews``.

    >>> names_site("– POLITICO", ["politicocom", "politico"]), names_site("CBS News poll", ["cbsnews"])
    (True, False)
    >>> names_site("- UK", ["bbccouk", "bbc"])
    False
    """
    squashed = squash(tail)
    # Two letters are part of too many names: 'UK' is in bbc.co.uk, 'US' in usatoday.com, and both are news.
    if len(squashed) < 3:
        return False
    for name in names:
        if len(name) < 3:
            continue
        if squashed in name:
            return True
        before, found, after = squashed.partition(name)
        if found and _FILLER.fullmatch(before) and _FILLER.fullmatch(after):
            return True
    return False


def is_site_suffix(tail: str, names: Sequence[str], short_is_enough: bool) -> bool:
    """Whether ``tail`` (what follows the separator) is a site name: it names the site, or, with
    ``short_is_enough``, it has at most SHORT_SUFFIX_WORDS words."""
    return (short_is_enough and len(_WORD.findall(tail)) <= SHORT_SUFFIX_WORDS) or names_site(tail, names)


def suffix_name(rest: str) -> str | None:
    """The name in ``rest`` when it is a separator and one name (`` | Daily Post`` → ``Daily Post``), else None."""
    match = _SUFFIX.fullmatch(rest)
    return match.group("tail").strip() if match else None


def split_site_suffix(title: str) -> tuple[str, str] | None:
    """``(head, tail)`` around a title's last separator, or None when it has none."""
    match = _SEPARATED_TAIL.match(title)
    return (match.group("head").strip(), match.group("tail").strip()) if match else None


def strip_site_suffix(title: str, names: Sequence[str], always: bool = False) -> str:
    """``title`` without a trailing site name: with ``always`` (a ``<title>``) any last part after a
    separator, else only one that names the site.

    >>> strip_site_suffix("Trump signs order ⋆ Freedom Daily", site_names("http://freedomdaily.com/x"))
    'Trump signs order'
    >>> strip_site_suffix("Temperatures are rising - and so are ice cream prices", site_names("https://www.bbc.com/x"))
    'Temperatures are rising - and so are ice cream prices'
    >>> strip_site_suffix("地铁十四号线东段开通运营_城市晚报", [], always=True)
    '地铁十四号线东段开通运营'
    >>> strip_site_suffix("今晨能见度不足200米-江城晚报", [], always=True), strip_site_suffix("X-ray 200米-A", [], always=True)
    ('今晨能见度不足200米', 'X-ray 200米-A')
    >>> strip_site_suffix("同比增长4.6%_财经频道_华夏网", [], always=True), strip_site_suffix("a_b | Site", [], always=True)
    ('同比增长4.6%', 'a_b')
    >>> strip_site_suffix("消费数据发布--财经--人民网", [], always=True)
    '消费数据发布'
    >>> strip_site_suffix("予算案が膨らむ：朝陽新聞デジタル", site_names(None, "朝陽新聞デジタル"), always=True)
    '予算案が膨らむ'
    >>> strip_site_suffix("大雾黄色预警：今晨能见度不足200米", site_names("https://jiangcheng-wb.example/x"), always=True)
    '大雾黄色预警：今晨能见度不足200米'
    """
    split = split_site_suffix(title)
    if split and split[0] and (always or names_site(split[1], names)):
        head = split[0]
        # A Chinese or Japanese <title> names the section before the site ("标题_财经频道_华夏网").
        while always and (section := _WIDE_SECTION.match(head)):
            head = section.group("head")
        return head
    # "見出し：朝陽新聞デジタル": the full-width colon also opens Chinese and Japanese subtitles, so only a site's name
    # after it goes.
    named = _COLON_TAIL.match(title)
    if named and names_site(named.group("tail"), names):
        return named.group("head").strip()
    return title
