"""The article of a news page: trafilatura's main-content extraction, with generic fixes around it.

Measured on the 90 pages of the article-extraction benchmark in ../shared (its
scoring, ``eval --gold ground-truth.json``): trafilatura 2.3.1 alone scores F1
0.959 with ``favor_precision``; with the steps below, 0.98. Each step is a
convention of news templates in general, never of one site:

1. Embedded tweets are lifted out of the "embed"/"social" wrappers trafilatura
   discards: a reader sees the quoted tweet as part of the story.
2. Lists whose text is all links are dropped: inside an article they are
   "related stories".
3. trafilatura runs with ``favor_precision`` and without comments. When its
   text is under half the length of the page's paragraphs, its stricter pruning
   may have thrown the body away (a class name like ``barrons-article`` holds
   the furniture word ``bar``): the default run decides, and the longer text wins.
4. Lines that are page furniture on any news site are dropped: teasers
   (``Read more:``, ``Related:``, ``[VIDEO]``, and ``Read also:`` in the scripts
   other than Latin), newsletter, share and comment prompts, reporter contact
   and credit lines, tag lines; in those scripts also the byline, editor, source
   and date lines and reproduction notices their sites print as text.
5. A text made only of the page's link texts is its menu: the page has no article.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex
from lxml import html as lxml_html
from lxml.etree import strip_tags
from trafilatura.core import determine_returnstring, trafilatura_sequence
from trafilatura.settings import Document, Extractor

from pipeline.core.words import has_unspaced_script, letter_words

_WORD = re.compile(r"\w+")
# Step 3: the precise text must hold at least this share of the default text's words.
FALLBACK_RATIO = 0.5
# A list is "related links" when at least this share of its words are link text.
_LINK_LIST_SHARE = 0.9
# A paragraph or list item whose link words are under this share of its words is prose that links a name or two.
_PROSE_LINK_SHARE = 0.5

# Step 4. English, as most news is; the labels of the same teasers in other scripts are below.
_FURNITURE_LINE = re.compile(
    r"""^(?:
        \[?\s*(?:read|see|watch)\s+(?:more|also|next)\b.*            # Read more: / SEE MORE / See also
      | \[?\s*related(?:\s+(?:articles?|stories|content|coverage|links?))?\s*[:\]].*   # Related: ...
      | \[?\s*more\s*:.*                                             # More: ...
      | also\s*:.*                                                   # Also: ...
      | also\s+on\s+\S+\s+.*                                         # Also on example.com ...
      | don[’']?t\s+miss\b.*                                         # DON'T MISS
      | you\s+(?:may|might)\s+also\s+like\b.*
      | (?:recommended|trending|most\s+popular|top\s+stories)\s*:?\s*
      | (?:\d+\s+)?comments?\s*(?:\(\d+\))?\s*                       # "Comments", "12 comments"
      | tell\s+us\s+what\s+you\s+think\b.*
      | (?:share|like)\s+this\s+(?:story|article|post)\b.*
      | .{0,40}\bshare\s+it\s+with\s+a\s+friend\b.*
      | (?:sign\s+up|subscribe)\b.{0,120}\bnewsletters?\b.*
      | get\s+the\s+.{0,60}\b(?:inbox|newsletters?)\b.*
      | follow\s+(?:him|her|them|us|me)\s+on\s+(?:twitter|facebook|instagram)\b.*
      | .{0,60}\b(?:may|can)\s+be\s+reached\s+at\s+\S+@.*            # contact lines
      | email\s+\S+(?:\s+\S+)?\s+at\s+\S+@\S+.*
      | \S+@\S+\.\w+                                                 # a bare e-mail address
      | (?:https?://)?(?:www\.)?twitter\.com/\w+/?                   # a bare profile link
      | \(?(?:additional\s+)?(?:reporting|writing)\s+by\b.{0,300}(?:editing|reporting)\s+by\b.*   # wire credits
      | .{0,80}\bcontributed\s+to\s+this\s+(?:report|story|article)\.?
      | contributing\s*:.*
      | (?:filed\s+under|tags?|tagged(?:\s+with)?)\s*:.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# "Read also:" and "Related:" in the scripts other than Latin, the commonest wording of each (a line that starts so
# is a teaser, as "Read more: ..." is in English): Japanese, Chinese (simplified and traditional), Korean, Russian
# and Ukrainian, Arabic, Greek, Hindi, Thai; after a bullet or bracket a template puts before them.
_FURNITURE_LABEL = re.compile(
    r"""^[\[【〔(（▶►■●◆>»\s]*(?:
        関連記事|関連ニュース|あわせて読みたい
      | 相关阅读|延伸阅读|推荐阅读|相关新闻|相关文章|相關閱讀|延伸閱讀|推薦閱讀|相關新聞
      | 관련\s?기사
      | читайте\s+(?:также|ещё|еще|також)|смотрите\s+также
      | [اإ]قرأ\s+(?:أيضا|أيضاً|ايضا|المزيد)
      | διαβάστε\s+(?:επίσης|ακόμη|ακόμα)
      | (?:यह|ये|इसे)\s+भी\s+पढ़ें
      | อ่านเพิ่มเติม|ข่าวที่เกี่ยวข้อง|อ่านข่าวที่เกี่ยวข้อง
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# The lines around the story that news sites in those scripts print as text where English ones use markup
# trafilatura knows (a byline element, a caption, a footer), and that a reader never takes for the story: a
# line that is only a reporter's or editor's name with its label, or the wire's name in brackets, a source or
# photo credit, a date and time with the labels beside it, a reproduction notice. Whole lines only, each
# label with its punctuation, so that a sentence that starts with the same word (记者会上, Источник в
# правительстве) is never one; matched only on lines that are not ASCII.
_HAN_NAME = r"[\p{Han}·]{2,4}"
_CJK_NAME = r"[\p{Han}\p{Hiragana}\p{Katakana}ー]"
_CJK_DATE = r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
_NUMERIC_DATE = r"\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}/\d{1,2}"
_CLOCK = r"\d{1,2}\s*(?:[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?|時\s*\d{1,2}\s*分|时\s*\d{1,2}\s*分)"
_SCRIPT_FURNITURE = regex.compile(
    rf"""(?V1)^(?:
        # 责任编辑：王磊, 【纠错】【责任编辑：王磊】, （編輯：張美玲）1151207
        (?:【(?:纠错|糾錯)】\s*)*[【\[（(〔]?\s*(?:责任编辑|責任編輯|责编|責編|编辑|編輯|值班编辑|編審|编审)\s*[：:／/]\s*
          {_HAN_NAME}(?:[\s、，,／/]+{_HAN_NAME})*\s*[】\]）)〕]?\s*(?:[A-Z]{{1,4}}\d{{1,6}}|\d{{1,8}})?
      | 【(?:纠错|糾錯)】
        # (原标题：...), a parenthesised name or two closing the story: （佐藤花子）, （佐藤花子、鈴木一郎）, （完）
      | [（(]?(?:原标题|原標題)\s*[：:].{{1,80}}?[）)]?
      | [（(]\s*{_CJK_NAME}{{1,6}}(?:[、・,，]\s*{_CJK_NAME}{{2,6}})*\s*[）)]
        # 记者 张伟, 本报记者 张伟 李娜, 作者：张伟, 文／林志明, 佐藤花子記者
      | [【\[（(]?\s*(?:本报|本報)?(?:特约|特約)?(?:记者|記者|通讯员|通訊員|作者|撰文|撰稿|摄影|攝影|文|图|圖)
          (?:\s*[：:／/|｜]\s*|\s+){_HAN_NAME}(?:[\s、，,／/]+{_HAN_NAME})*\s*[】\]）)]?
          (?:\s+(?:{_CJK_DATE}|{_NUMERIC_DATE})\s*(?:{_CLOCK})?)?
        # a portal's app promotion: 打开星河新闻客户端，查看更多精彩内容
      | (?:打开|打開|下载|下載)\S{{0,20}}(?:客户端|客戶端|APP|App|app)(?:[，,]\s*.{{0,30}})?
      | [\p{{Han}}\p{{Hiragana}}\p{{Katakana}}ー・]{{2,10}}\s?(?:記者|特派員|通信員)
        # a Korean byline: 박영희 기자, 김철수 기자 kimcs@example.co.kr, [서울=뉴시스] 박영희 기자
      | (?:\[[\p{{Hangul}}\p{{Han}}=\s]{{2,12}}\]\s*)?\p{{Hangul}}{{2,4}}\s?(?:기자|특파원|객원기자|선임기자|인턴기자|통신원)
          (?:\s*[,·]\s*\p{{Hangul}}{{2,4}}\s?(?:기자|특파원))*\s*=?\s*(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+)?
        # 【共同通信】, （共同）, [연합뉴스]: the wire's name alone
      | [【（(〔\[]\s*(?:共同通信|共同|時事通信|時事|ロイター|ＡＦＰ＝時事|AFP＝時事|ＡＦＰ|ＡＰ|新华社|新華社|中新社|中央社
          |연합뉴스|뉴시스|뉴스1)\s*[】）)〕\]]
        # 来源：新华社, 出典：気象庁, Источник: ТАСС, المصدر: ..., 출처: ...; Фото: ..., 写真：...; 新华社记者 陈斌 摄
      | (?:来源|來源|稿源|消息来源|出典|出处|出處|출처|источник|المصدر|фото|видео|写真|사진)\s*[：:]\s*.{{1,60}}
      | .{{0,100}}(?:记者|記者)\s*{_HAN_NAME}\s*(?:摄|攝)
        # a Korean caption, ending in its credit: 품목별 수출액 추이. [그래픽=한빛경제], ... (사진=연합뉴스)
      | .{{0,150}}[\[(](?:사진|그래픽|자료|영상|제공)\s*=\s*[^\])]{{1,30}}[\])]
        # Автор: Иван Петров, Подписывайтесь на наш Telegram-канал..., 7 декабря 2026, 10:30; كتب: أحمد علي
      | (?:автор|текст|редактор)\s*:\s*[\p{{Cyrillic}}.\s]{{3,40}}
      | подписывайтесь\s+на\b.{{0,100}}
      | \d{{1,2}}\s+(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)\s+\d{{4}}
          (?:\s*(?:г\.|года))?(?:[,\s]+\d{{1,2}}:\d{{2}})?
      | (?:كتب|كتبت|بقلم|تحرير)\s*:\s*[\p{{Arabic}}\s]{{3,40}}
        # a Japanese caption: 記者会見する財務相＝７日午前、財務省、田中撮影; the author box: この記事を書いた人 ...
      | .{{1,100}}[＝=].{{1,60}}撮影[）)]?
      | この記事を書いた人.{{0,80}}
        # 2026年12月07日 07:45 来源：中国天气网, 12/7(月) 10:30配信, 입력 2026.12.07 10:30
      | (?:{_CJK_DATE}|{_NUMERIC_DATE})\s*(?:[（(][月火水木金土日][）)])?\s*(?:{_CLOCK})?\s*(?:配信|更新|発表|发布|發布|송고)?
          (?:\s+(?:来源|來源|作者|编辑|編輯|责任编辑|責任編輯|出典)\s*[：:]\s*\S{{1,20}})*
      | (?:(?:기사\s?)?입력|수정|승인|최종\s?수정|업데이트|송고\s?시간)\s*[:：]?\s*(?:{_NUMERIC_DATE})\.?\s*(?:{_CLOCK})?
          (?:\s+(?:수정|업데이트)\s*[:：]?\s*(?:{_NUMERIC_DATE})\.?\s*(?:{_CLOCK})?)?
        # reproduction notices in a line of their own
      | .{{0,80}}(?:無断(?:転載|転用|複製)を?禁|(?:未经|未經|非经|非經)(?:书面|書面)?(?:授权|授權|许可|許可|同意).{{0,40}}
          (?:不得|禁止|严禁|嚴禁)|版权所有|版權所有|무단\s?(?:전재|복제).{{0,40}}금지
          |при\s+(?:использовании|цитировании|перепечатке)\s+материалов.{{0,40}}ссылка\s+обязательна
          |جميع\s+الحقوق\s+محفوظة).{{0,80}}
        # a Korean wire's tip line (제보는 카카오톡 okjebo) and its note for screen readers
      | (?:제보는|기사\s?제보)\s*[:：]?\s*(?:카카오톡|이메일|전화).{{0,60}}
      | 이\s?기사는\s?AI\s?요약\s?서비스를\s?제공합니다\.?
        # a portal's reaction buttons (Yahoo! News Japan), read out as one line
      | (?:学びがある|わかりやすい|新しい視点|\s)+
    )$""",
    regex.IGNORECASE | regex.VERBOSE,
)
# A teaser line of a tabloid "DON'T MISS" block ends in a bracketed upper-case label.
_TEASER_LABEL = re.compile(r"\[(?:[A-Z]{3,}\s?)+\]\s*\|?\s*$")


def _words(text: str | None) -> int:
    """How many words ``text`` holds: its runs of word characters, each unit of a script without spaces a word.

    In Chinese or Japanese a run is a phrase: ``<li><a>会展中心站</a>的C口和D口暂不开放</li>`` would be one link
    word of two, a related-links list, where it is 5 of 15.

    >>> _words("Storm hits the coast."), _words("会展中心站的C口和D口暂不开放")
    (4, 15)
    """
    text = text or ""
    return len(letter_words(text)) if has_unspaced_script(text) else len(_WORD.findall(text))


# The two queries below as walks of the elements of one tag, which lxml finds in C: a query evaluates its predicate on
# every element of the page (0.1 to 0.2 ms a page each). tests/core/pages/test_pages.py checks them against the queries.
TWEETS_XPATH = '//blockquote[contains(concat(" ", @class, " "), " twitter-tweet ")]'
LISTS_XPATH = "//body//ul[li[2]] | //body//ol[li[2]]"


def embedded_tweets(tree) -> list:
    """The elements of ``TWEETS_XPATH``: the ``<blockquote class="twitter-tweet">`` of embedded tweets."""
    return [quote for quote in tree.iter("blockquote") if " twitter-tweet " in f" {quote.get('class', '')} "]


def lists_of_two(tree) -> list:
    """The elements of ``LISTS_XPATH``, in document order: the ``<ul>`` and ``<ol>`` in the body with a second item
    (so that a page's hundreds of one-item lists are not looked into)."""
    found = []
    for listing in tree.iter("ul", "ol"):
        items = listing.iterchildren("li")
        if next(items, None) is not None and next(items, None) is not None \
                and next(listing.iterancestors("body"), None) is not None:
            found.append(listing)
    return found


def lift_tweets(tree) -> None:
    """Put each embedded tweet's ``<blockquote>`` in place of the wrappers that hold nothing else."""
    for quote in embedded_tweets(tree):
        for script in quote.xpath(".//script"):
            script.drop_tree()
        top, parent = quote, quote.getparent()
        while parent is not None and parent.tag not in ("body", "article", "main"):
            others = [child for child in parent if child is not top and child.tag not in ("script", "noscript")
                      and not isinstance(child, lxml_html.HtmlComment)]
            if others or (parent.text or "").strip() or any((child.tail or "").strip() for child in parent):
                break
            top, parent = parent, parent.getparent()
        for attribute in ("class", "id", "style"):
            quote.attrib.pop(attribute, None)   # trafilatura drops elements whose class says "tweet"
        if top is not quote and parent is not None:
            quote.tail = top.tail
            parent.replace(top, quote)


def drop_link_lists(tree) -> list:
    """Drop ``<ul>``/``<ol>`` lists of two or more items whose words are (nearly) all link text; return them."""
    dropped = []
    for listing in lists_of_two(tree):
        links = listing.findall(".//a")
        if not links or listing.getparent() is None:
            continue
        total = _words(listing.text_content())
        # One count over the link texts joined by spaces: no word runs from one link into the next.
        linked = _words(" ".join(link.text_content() for link in links))
        if total and linked >= _LINK_LIST_SHARE * total:
            listing.drop_tree()
            dropped.append(listing)
    return dropped


def unlink_prose(tree) -> None:
    """In paragraphs and list items in a script without spaces, put the links' text in place of the links where
    they are under half of the words: trafilatura's link-density test counts characters (an element under 30 to
    300 of them whose links are nearly all under 10 is a link farm), and in Chinese or Japanese that is a sentence
    or a list of them naming a place or two, which in English would be five times longer and never tested.

    >>> from lxml import html
    >>> tree = html.fromstring('<div><ul><li><a href="/a">会展中心站</a>的C口和D口暂不开放</li></ul>'
    ...                        '<ul><li><a href="/b">梅雨前線の停滞</a></li></ul></div>')
    >>> unlink_prose(tree)
    >>> html.tostring(tree, encoding="unicode")
    '<div><ul><li>会展中心站的C口和D口暂不开放</li></ul><ul><li><a href="/b">梅雨前線の停滞</a></li></ul></div>'
    """
    for block in tree.xpath("//p[.//a] | //li[.//a]"):
        text = block.text_content()
        if not has_unspaced_script(text):
            continue
        links = block.findall(".//a")
        if _words(" ".join(link.text_content() for link in links)) < _PROSE_LINK_SHARE * _words(text):
            for link in links:
                link.drop_tag()


# Elements after which a page laid out with <br> goes on with the story in bare text.
_BLOCK_TAGS = frozenset(("div", "figure", "table", "p", "ul", "ol", "blockquote", "section", "aside", "h1", "h2", "h3",
                         "h4", "h5", "h6", "br"))


def paragraph_tails(tree) -> None:
    """Put the text that follows a ``<div>``, ``<figure>`` or ``<table>`` inside a body laid out with ``<br>`` (up to
    the next ``<br>`` or block) in a ``<p>`` of its own: trafilatura drops such an element's tail with it (a photo
    box in the middle of a Korean or Chinese story laid out so, and the paragraph after it is gone).

    >>> from lxml import html
    >>> tree = html.fromstring('<div>첫 문단이다.<br><br><div><img src="a.jpg"></div>둘째 <b>문단</b>이다.<br><br>끝.</div>')
    >>> paragraph_tails(tree)
    >>> html.tostring(tree, encoding="unicode")
    '<div>첫 문단이다.<br><br><div><img src="a.jpg"></div><p>둘째 <b>문단</b>이다.</p><br><br>끝.</div>'
    """
    for element in list(tree.iter("div", "figure", "table")):
        parent = element.getparent()
        if not (element.tail or "").strip() or parent is None or parent.find("br") is None:
            continue
        paragraph = lxml_html.Element("p")
        paragraph.text, element.tail = element.tail, None
        sibling = element.getnext()
        while sibling is not None and sibling.tag not in _BLOCK_TAGS:
            following = sibling.getnext()
            paragraph.append(sibling)   # moves it, with its tail
            sibling = following
        element.addnext(paragraph)


def is_furniture_line(line: str) -> bool:
    """A line that is page furniture wherever it stands.

    >>> is_furniture_line("Read more: Storm damage in pictures")
    True
    >>> is_furniture_line("Read the full report on the council's website.")
    False
    >>> is_furniture_line("Читайте также: Старую переправу закроют на ремонт"), is_furniture_line("【関連記事】大雨の備え")
    (True, True)
    """
    line = line.strip()
    return bool(_FURNITURE_LINE.match(line) or _TEASER_LABEL.search(line)
                or (not line.isascii() and (_FURNITURE_LABEL.match(line) or is_script_furniture_line(line))))


def is_script_furniture_line(line: str) -> bool:
    """A byline, credit, date or notice line as news sites in scripts other than Latin print them
    (``_SCRIPT_FURNITURE``); ``line`` stripped.

    >>> [is_script_furniture_line(line) for line in ("责任编辑：李明", "박영희 기자 yhpark@hanbit.example",
    ...     "【共同通信】", "Источник: пресс-служба мэрии", "2026年12月07日 07:45 来源：中国天气网")]
    [True, True, True, True, True]
    >>> [is_script_furniture_line(line) for line in ("记者会上，他说：“我们会继续努力。”", "【服务消费增长较快】",
    ...     "Источник в правительстве сообщил об этом в среду.", "12月7日，国家统计局发布数据。")]
    [False, False, False, False]
    """
    return _SCRIPT_FURNITURE.match(line) is not None


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract_article` decided, for the extraction ledger (:mod:`pipeline.core.pages.extract_ledger`)."""

    text: str                 # the article, "" if none
    extracted: str            # trafilatura's text the article was made from: furniture lines and menus still in it
    link_lists: tuple = ()    # the lists dropped as related links (step 2), out of the tree now
    furniture: frozenset[str] = frozenset()   # trafilatura's lines dropped as furniture (step 4)
    menu: bool = False        # the extracted text was the page's menu (step 5)
    # Step 3: the default run's text when it was run and lost (the precise run's loss was not recovered); None
    # when it was not run or won.
    default_lost: str | None = None


def trafilatura_text(tree, url: str | None, precise: bool) -> str:
    """``trafilatura.extract(tree, favor_precision=precise, include_comments=False, url=url) or ""``, run on ``tree``
    itself, which it prunes, not on a copy: trafilatura copies a tree it is handed (0.3 to 0.8 ms a page, 5% of its
    extraction) so that the caller's stays whole, and a string it parses is not copied. Its steps for these settings
    (``bare_extraction`` and ``extract`` of trafilatura 2.3.1, pinned in pyproject.toml), in its order, with its
    functions; ``tests/core/pages/test_pages.py`` checks the text against ``trafilatura.extract`` on the fixtures and
    the benchmark's pages, in both modes."""
    options = Extractor(precision=precise, comments=False, url=url)
    try:
        postbody, text, commentsbody, comments = trafilatura_sequence(tree, options, url)
        if options.max_tree_size and len(postbody) > options.max_tree_size:
            strip_tags(postbody, "hi")
            if len(postbody) > options.max_tree_size:
                return ""
        if len(text) < options.min_output_size and len(comments) < options.min_output_comm_size:
            return ""
    except (TypeError, ValueError):   # trafilatura discards the page
        return ""
    document = Document()
    document.raw_text, document.commentsbody, document.body = text, commentsbody, postbody
    return determine_returnstring(document, options) or ""


def extract_article(tree, fresh: Callable[[], Any], url: str | None = None, unspaced: bool = False) -> Extraction:
    """The article body of a parsed page and how it was found. The tree is changed: tweets lifted, link lists dropped,
    with ``unspaced`` (a page in a script without spaces) links in prose unwrapped, and then pruned by trafilatura.
    ``fresh()`` gives the page's tree again as ``tree`` came, for the default run where the precise run's text is
    short (3 of the benchmark's 90 pages): parsing those pages again costs less than a copy of every page."""
    link_lists = prepare_tree(tree, unspaced)
    # Read before trafilatura's run, which prunes the tree.
    paragraph_words = _words(" ".join(p.text_content() for p in tree.iter("p")))
    link_text = " ".join(link.text_content() for link in tree.iter("a")).lower()
    text = trafilatura_text(tree, url, precise=True)
    words = _words(text)
    default_lost = None
    # Only a precise text that is short against the page's paragraphs needs the second opinion.
    if words == 0 or words < FALLBACK_RATIO * paragraph_words:
        again = fresh()
        prepare_tree(again, unspaced)
        default = trafilatura_text(again, url, precise=False)
        if words < FALLBACK_RATIO * _words(default):
            text = default
        else:
            default_lost = default
    lines = [line for line in text.split("\n") if line.strip()]
    paragraphs = [line for line in lines if not is_furniture_line(line)]
    furniture = frozenset(lines) - frozenset(paragraphs)
    if paragraphs and _only_link_words(paragraphs, link_text):
        # On a page with nothing else, trafilatura hands back its menu: an index page, not an article.
        return Extraction("", text, tuple(link_lists), furniture, True, default_lost)
    # trafilatura ends each paragraph with one line break; the pipeline separates paragraphs by a blank line.
    return Extraction("\n\n".join(paragraphs), text, tuple(link_lists), furniture, False, default_lost)


def prepare_tree(tree, unspaced: bool) -> list:
    """Steps 1 and 2 (and for a page in a script without spaces, its prose links unwrapped); the lists dropped."""
    lift_tweets(tree)
    link_lists = drop_link_lists(tree)
    if unspaced:
        unlink_prose(tree)
    return link_lists


def _only_link_words(paragraphs: list[str], link_text: str) -> bool:
    """Whether every word of ``paragraphs`` is a word of ``link_text`` (the page's link texts, lower case). A word that
    is not even a part of it decides without the page's link words (on an article, nearly always its first word)."""
    words = [word for line in paragraphs for word in _WORD.findall(line.lower())]
    if not all(word in link_text for word in words):
        return False
    link_words = set(_WORD.findall(link_text))
    return all(word in link_words for word in words)
