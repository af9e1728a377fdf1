import pytest

from pipeline.beam.rule_files import load_rules
from pipeline.core.clean import Cleaner, CleanOptions
from pipeline.core.normalize import NormalizeOptions
from pipeline.core.readers import article_from_file
from pipeline.core.records import Article, Rejected
from pipeline.core.rules import Example, Rule
from tests.conftest import BUNDLED_RULES, EXPECTED, RAW, read_jsonl

SEED_IDS = ["000_82a298d765422ea0", "002_fb6e392a3bbb2a7b"]


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner(load_rules([str(BUNDLED_RULES)]))


def seed(seed_id: str) -> Article:
    path = RAW / f"{seed_id}.txt"
    return article_from_file(str(path), path.read_bytes(), "text")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_seeds_clean_to_their_expected_records(cleaner, seed_id):
    expected = next(r for r in read_jsonl(EXPECTED / "clean.jsonl") if r["id"] == seed_id)
    clean = cleaner.clean(seed(seed_id))
    assert (clean.id, clean.title, clean.text, clean.to_dict()["stats"]) == \
        (expected["id"], expected["title"], expected["text"], expected["stats"])


def test_first_seed_loses_only_its_headline_repeat_read_time_and_comment_widget(cleaner):
    raw = seed(SEED_IDS[0]).text
    title = "State Secretary Blinken offers U.S. full support to Ukraine"
    cruft = {title, "2 minutes", "• Comments", "Loading comments..."}
    kept = [line.strip() for line in raw.splitlines() if line.strip() and line.strip() not in cruft]
    clean = cleaner.clean(seed(SEED_IDS[0]))
    assert clean.title == title
    assert paragraphs(clean.text) == kept
    assert clean.stats["rules"] == {"read-time-line": 1, "comment-widget": 2}
    assert clean.stats["headline_repeats"] == 1


def test_second_seed_keeps_every_sentence_and_only_loses_hover_cards(cleaner):
    raw = seed(SEED_IDS[1]).text
    hover_cards = {
        "BlinkenAntony BlinkenPelosi signals no further action against Omar US drops sanctions on Iranian officials "
        "as nuclear talks stall Senior Chinese diplomat talks with Blinken amid debate over competitiveness bill MORE":
            "Blinken",
        "BidenJoe BidenPutin says he's optimistic about working with Biden ahead of planned meeting How the "
        "infrastructure bill can help close the digital divide Biden meets Queen Elizabeth for first time as "
        "president MORE": "Biden",
        "PutinVladimir Vladimirovich PutinPutin says he's optimistic about working with Biden ahead of planned "
        "meeting Biden, Macron huddle on sidelines of G7 summit Biden must up the ante to get what he wants from "
        "Putin MORE": "Putin",
    }
    for card, name in hover_cards.items():
        assert card in raw
        raw = raw.replace(card, name)
    title = "Blinken: US stands with Ukraine in face of Russian aggression"
    expected = [" ".join(p.split()) for p in paragraphs(raw) if p != title]
    clean = cleaner.clean(seed(SEED_IDS[1]))
    assert clean.title == title
    assert paragraphs(clean.text) == expected
    assert clean.stats["rules"] == {"hover-card": 3}


def test_given_title_is_used_and_its_repeat_in_the_text_removed():
    clean = Cleaner([]).clean(Article(id="a", text="Storm hits\n\nWinds rose.", source="f", title="Storm hits"))
    assert (clean.title, clean.text, clean.stats["headline_repeats"]) == ("Storm hits", "Winds rose.", 1)


def test_repeat_after_a_widget_line_is_removed_once_the_rule_took_the_widget(cleaner):
    clean = cleaner.clean(Article(id="a", text="Storm\n\n3 min read\nStorm\n\nWinds rose.", source="f"))
    assert (clean.title, clean.text) == ("Storm", "Winds rose.")


def test_rules_do_not_touch_the_title():
    shout = Rule(name="no-storm", description="d", pattern="Storm", file="t.toml",
                 examples=(Example("Storm", ""),), keep=("calm",))
    clean = Cleaner([shout]).clean(Article(id="a", text="Storm\n\nStorm clouds gathered.", source="f"))
    assert (clean.title, clean.text) == ("Storm", "clouds gathered.")


def test_straight_quotes_option_reaches_the_output():
    straight = CleanOptions(normalize=NormalizeOptions(straight_quotes=True))
    article = Article(id="a", text="Title\n\n“Yes,” he said.", source="f")
    assert Cleaner([]).clean(article).text == "“Yes,” he said."
    assert Cleaner([], straight).clean(article).text == '"Yes," he said.'


@pytest.mark.parametrize("text, stage, reason", [
    ("", "normalize", "empty_text"),
    (" \n\u200b\x00\n\t", "normalize", "empty_text"),
    ("Only a headline", "clean", "empty_after_cleaning"),
    ("Storm\n\n2 minutes\n\n• Comments", "clean", "empty_after_cleaning"),
])
def test_articles_with_nothing_left_are_rejected(cleaner, text, stage, reason):
    with pytest.raises(Rejected) as error:
        cleaner.clean(Article(id="a", text=text, source="f"))
    assert (error.value.stage, error.value.reason) == (stage, reason)


def test_a_hanging_rule_rejects_the_article_naming_the_rule():
    hanging = Rule(name="hangs", description="d", pattern=r"(a|aa)+$", file="user.toml",
                   examples=(Example("a", ""),), keep=("b",))
    cleaner = Cleaner([hanging], CleanOptions(time_budget=0.1))
    with pytest.raises(Rejected) as error:
        cleaner.clean(Article(id="a", text="Title\n\n" + "a" * 60 + "b", source="f"))
    assert (error.value.stage, error.value.reason) == ("rules", "time_budget")
    assert "rule 'hangs' (user.toml)" in error.value.detail


def test_rules_that_remove_most_of_a_document_flag_it():
    greedy = Rule(name="greedy", description="d", pattern=r"(?m)^Filler.*$", file="t.toml",
                  examples=(Example("Filler x", ""),), keep=("Real",))
    text = "Title\n\nReal news here.\n\n" + "\n\n".join(["Filler words of no value"] * 3)
    clean = Cleaner([greedy], CleanOptions(max_removed_share=0.5)).clean(Article(id="a", text=text, source="f"))
    assert clean.text == "Real news here."
    assert clean.stats["words_removed_by_rules"] == round(15 / 18, 4)
    assert clean.stats["mass_removal"] is True
    relaxed = Cleaner([greedy], CleanOptions(max_removed_share=0.9)).clean(Article(id="a", text=text, source="f"))
    assert "mass_removal" not in relaxed.stats


def test_mass_removal_reject_sends_the_document_to_rejected_with_what_would_have_gone():
    greedy = Rule(name="greedy", description="d", pattern=r"(?m)^Filler.*$", file="t.toml",
                  examples=(Example("Filler x", ""),), keep=("Real",))
    text = "Title\n\nReal news here.\n\nFiller one\n\nFiller two\n\nFiller three"
    cleaner = Cleaner([greedy], CleanOptions(max_removed_share=0.5, mass_removal="reject"))
    with pytest.raises(Rejected) as error:
        cleaner.clean(Article(id="a", text=text, source="f"))
    assert (error.value.stage, error.value.reason) == ("rules", "mass_removal")
    assert error.value.detail == ("the rules removed 67% of the words, more than --max_removed_share 0.5 (rules that "
                                  "fired: greedy); they would have removed: Filler one\nFiller two\nFiller three")


def test_mass_removal_keep_ships_the_text_as_it_was_before_the_rules():
    greedy = Rule(name="greedy", description="d", pattern=r"(?m)^Filler.*$", file="t.toml",
                  examples=(Example("Filler x", ""),), keep=("Real",))
    text = "Title\n\nReal news here.\n\nFiller one\n\nFiller two\n\nFiller three"
    clean = Cleaner([greedy], CleanOptions(max_removed_share=0.5, mass_removal="keep")).clean(
        Article(id="a", text=text, source="f"))
    assert clean.text == "Real news here.\n\nFiller one\n\nFiller two\n\nFiller three"
    assert (clean.stats["mass_removal"], clean.stats["words_removed_by_rules"]) == (True, 0.0)
    assert clean.stats["rules"] == {"greedy": 3}
    # Under the threshold the rules act as always.
    light = Cleaner([greedy], CleanOptions(max_removed_share=0.9, mass_removal="keep")).clean(
        Article(id="a", text=text, source="f"))
    assert light.text == "Real news here."


def test_max_removed_share_must_be_a_share():
    with pytest.raises(ValueError, match="max_removed_share"):
        CleanOptions(max_removed_share=1.5)
    with pytest.raises(ValueError, match="mass_removal must be one of flag, reject, keep, not 'drop'"):
        CleanOptions(mass_removal="drop")


@pytest.mark.parametrize("text, detail", [
    # fakenewscorpus_sample, city-journal.org contributor pages, as scraped.
    ("Contributors\n\nERROR\n\nMain Error Mesage Here\n\nMore detailed message would go here to provide context for "
     "the user and how to proceed", "not an article: an error page: 'ERROR' in a text of 21 words"),
    ("I Love Native Americans\n\nOoops... Error 404\n\nSorry, but the page you are looking for doesn't exist.\n\n"
     "You can go to the HOMEPAGE", "not an article: an error page: 'Ooops... Error 404' in a text of 19 words"),
    # A BBC video page whose text is the site's menu.
    ("Could your weekly food shop get cheaper?\n\nSkip to content\nWatch Live\nBritish Broadcasting Corporation\nHome\n"
     "News\nSport\nBusiness\nTechnology\nHealth\nCulture",
     "not an article: no line of 10 words or more in 10 lines (first: Skip to content)"),
])
def test_pages_that_are_not_articles_are_rejected_with_their_evidence(text, detail):
    with pytest.raises(Rejected) as error:
        Cleaner([]).clean(Article(id="a", text=text, source="f"))
    assert (error.value.stage, error.value.reason, error.value.detail) == ("clean", "not_article", detail)
    kept = Cleaner([], CleanOptions(reject_not_articles=False)).clean(Article(id="a", text=text, source="f"))
    assert kept.text == text.split("\n\n", 1)[1]


@pytest.mark.parametrize("text", [
    # A hymn: short lines, but they carry words.
    "The Son of God Goes Forth to War\n\nBy Reginald Heber\n\nThe Son of God goes forth to war,\na kingly crown to "
    "gain;\nhis blood red banner streams afar:\nwho follows in his train?\nWho best can drink his cup of woe,\n"
    "triumphant over pain,",
    # A brief: two short lines are no menu.
    "Storm hits coast\n\nWinds of 100 km/h.\n\nPower is out.",
    # An article that mentions an error page is longer than one.
    "Site down\n\nError 404\n\n" + "The council's website showed an error page for most of Monday, officials said. " * 8,
])
def test_articles_with_short_lines_or_error_words_stay(text):
    assert Cleaner([]).clean(Article(id="a", text=text, source="f")).text
