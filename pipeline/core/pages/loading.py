"""A page's markup to the one tree every step reads: trafilatura's loader, with a parser that looks up element
classes in C.

lxml makes a Python object for an element each time Python code reaches it (and again after the last one
went away), and asks the parser's class lookup which class it is. trafilatura's parser (``lxml.html``'s) asks a
Python function, to give ``<form>``, ``<input>``, ``<select>``, ``<textarea>`` and ``<label>`` their classes of
form helpers; over the 90 pages of the article-extraction benchmark it is asked about 300,000 times, in our steps and
in trafilatura's extraction on its copies of the tree (a copy keeps its parser). The same parser settings with
lxml's C lookup give every element the plain ``HtmlElement`` (comments ``HtmlComment``...): no step here, in
trafilatura, jusText or htmldate uses the form helpers, and the page path takes 6% less CPU time (1.68 s against
1.78 s over the benchmark's pages). ``tests/core/pages/test_pages.py`` checks that the tree is trafilatura's, node for node.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, HTML_PARSER, is_dubious_html, repair_faulty_html

# trafilatura's parser settings (copied from the parser itself), and lxml.html's classes looked up in C.
PARSER = HTML_PARSER.copy()
PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction,
    entity=lxml_html.HtmlEntity))


# The characters trafilatura's INVALID_XML_CHARS removes (C0 controls but tab, line feed and carriage return; U+FFFE,
# U+FFFF), one by one: a search for each single character runs in C (memchr for most pages), and finds none on
# nearly every page, in a third of the time of the regular expression's scan of the page (19 against 60 ms over the
# benchmark's 90 pages). tests/core/pages/test_pages.py checks the set against the expression.
INVALID_CHARS = tuple(chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF))


def repair_markup(markup: str, beginning: str) -> str:
    """trafilatura's ``repair_faulty_html(markup, beginning)``: without its scan for characters libxml2 refuses where
    the page holds none of them (then its removal of them changes nothing), its two other repairs as it makes them.

    >>> repair_markup('<!DOCTYPE html/>\\n<html/>\\n<p>x</p>', "<!doctype html/>")
    '\\n<html>\\n<p>x</p>'
    """
    if any(char in markup for char in INVALID_CHARS):
        return repair_faulty_html(markup, beginning)
    if "doctype" in beginning:
        firstline, _, rest = markup.partition("\n")
        markup = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in markup[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", markup, count=1)
    return markup


def _from_bytes(markup: str):
    try:
        return lxml_html.fromstring(markup.encode("utf8", "surrogatepass"), parser=PARSER)
    except Exception:   # trafilatura logs the error and goes on without a tree
        return None


def load_page(markup: str):
    """The tree of ``markup`` as trafilatura 2.3.1's ``load_html(markup)`` makes it (its steps for a string, in its
    order), or None where it gives None: repaired for libxml2, parsed, parsed again as bytes when the string
    declares an encoding or gives no element, and refused when it does not say ``html`` in its first 50
    characters and holds fewer than two elements.

    >>> tree = load_page("<html><body><form><p>Text</p></form></body></html>")
    >>> [type(element).__name__ for element in tree.iter()]
    ['HtmlElement', 'HtmlElement', 'HtmlElement', 'HtmlElement']
    >>> load_page("<p>x</p>") is None
    True
    """
    return load_page_markup(markup)[0]


def load_page_markup(markup: str) -> tuple:
    """:func:`load_page`'s tree (or None) and the repaired markup it parsed, whose text is that of the tree's
    attributes and text (after a removed control character, not before: ``trun\\x01cated`` reads ``truncated``).

    >>> load_page_markup("<html><body><p class='trun\\x01cated'>Text</p></body></html>")[1]
    "<html><body><p class='truncated'>Text</p></body></html>"
    """
    beginning = markup[:50].lower()
    markup = repair_markup(markup, beginning)
    tree, as_bytes = None, False
    try:
        tree = lxml_html.fromstring(markup, parser=PARSER)
    except ValueError:   # "Unicode strings with encoding declaration are not supported."
        tree, as_bytes = _from_bytes(markup), True
    except Exception:   # trafilatura logs the error and goes on without a tree
        pass
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = _from_bytes(markup)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None, markup
    return tree, markup
