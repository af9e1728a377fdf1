"""One notion of a word for every script (pipeline/core/words.py)."""

from pipeline.core.normalize import tidy_layout
from pipeline.core.steps.not_article import not_article_evidence
from pipeline.core.words import _HAS_UNSPACED, _MAYBE_UNSPACED, count_words, has_unspaced_script, word_count, words


def test_space_separated_scripts_count_as_split_always_did():
    for text in ("The council voted - 7 to 2 (BBC).", "Москва, 5 декабря. Правительство объявило",
                 "أعلنت الحكومة اليوم عن خطة جديدة", "सरकार ने आज नई योजना की घोषणा की", "정부는 오늘 새로운 계획을 발표했다"):
        assert words(text) == text.split()
        assert word_count(text) == count_words(tidy_layout(text)) == len(text.split())


def test_each_han_and_kana_unit_is_a_word_and_a_katakana_run_one():
    assert words("東京（ロイター）政府は、新型コロナウイルス対策を発表した。") == [
        "東", "京", "ロイター", "政", "府", "は", "新", "型", "コロナウイルス", "対", "策", "を", "発", "表", "し", "た"]
    assert words("国务院周三宣布。") == ["国", "务", "院", "周", "三", "宣", "布"]


def test_thai_letters_count_their_marks_do_not():
    # ข่าว: three letters and a tone mark.
    assert words("ข่าว วันนี้") == ["ข", "า", "ว", "ว", "น", "น"]


def test_mixed_text_counts_both_kinds():
    assert words("Apple社のiPhone 16が発売") == ["Apple", "社", "の", "iPhone", "16", "が", "発", "売"]
    assert count_words("地震\n\n津波 warning") == word_count("地震 津波 warning") == 5


def test_a_japanese_paragraph_is_prose_not_a_menu():
    lines = ["ホーム", "ニュース", "政治", "経済",
             "政府は十一日、全国の小中学校で来年度から給食費を無償化する方針を固めた。"]
    assert not_article_evidence("\n".join(lines)) is None
    # ... while a menu of the same short lines, without the paragraph, is one.
    assert not_article_evidence("\n".join([*lines[:4], "スポーツ"])) == \
        "no line of 10 words or more in 5 lines (first: ホーム)"


def test_the_quick_check_lets_through_every_character_of_a_script_without_spaces():
    # has_unspaced_script asks a cheap character range first; it must never rule out a character the
    # script properties hold, in any plane.
    assert all(_MAYBE_UNSPACED.search(chr(code)) for code in range(0x110000)
               if not 0xD800 <= code < 0xE000 and _HAS_UNSPACED.search(chr(code)))
    assert not has_unspaced_script("“Quotes” — and dashes… café, Москва")
    assert has_unspaced_script("“引用” — 東京")
