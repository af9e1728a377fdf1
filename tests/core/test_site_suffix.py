import pytest

from pipeline.core.clean import Cleaner
from pipeline.core.records import Article
from pipeline.core.site_suffix import is_site_suffix, names_site, site_names, split_site_suffix, strip_site_suffix


@pytest.mark.parametrize("title, url, source, expected", [
    # fakenewsnet titles: the site's name after the separator goes.
    ("Is it the Beginning of the End for Hillary Clinton? – Eagle Rising", "http://eaglerising.com/36912/x",
     "http://eaglerising.com", "Is it the Beginning of the End for Hillary Clinton?"),
    ("NYC Terrorist Sued Police Department in 2011! ⋆ Freedom Daily", "http://freedomdaily.com/nyc", None,
     "NYC Terrorist Sued Police Department in 2011!"),
    ("Trump allies plot a response – POLITICO", "http://www.politico.com/story/x", None, "Trump allies plot a response"),
    ("Bolton Cautioned Him about Giuliani | Newsmax.com", "https://www.newsmax.com/x", None,
     "Bolton Cautioned Him about Giuliani"),
    ("Storm cuts power - The Eagle Rising Daily", "http://eaglerising.com/a", None, "Storm cuts power"),
    # Subtitles stay: BBC, CBC, The Hill headlines with a dash.
    ("Temperatures are rising - and so are ice cream prices", "https://www.bbc.com/news/articles/c1e2", "BBC",
     "Temperatures are rising - and so are ice cream prices"),
    ("Viewers approve of Trump's address - CBS News poll", "https://www.cbsnews.com/news/x", "CBS News",
     "Viewers approve of Trump's address - CBS News poll"),
    ("The National | Carney tries to sell B.C. on pipeline development", "https://www.cbc.ca/player/play/9", "CBC",
     "The National | Carney tries to sell B.C. on pipeline development"),
    ("Tech Now - Building My Body", "https://www.bbc.co.uk/iplayer/episode/m002x058", "BBC",
     "Tech Now - Building My Body"),
    ("Covid-19 cases rise", "https://www.covid.org/x", None, "Covid-19 cases rise"),
])
def test_a_title_loses_a_suffix_only_when_it_names_the_site(title, url, source, expected):
    assert strip_site_suffix(title, site_names(url, source)) == expected


def test_a_title_tag_loses_any_last_part_and_a_repeat_a_short_one():
    assert strip_site_suffix("Storm cuts power | Herald", [], always=True) == "Storm cuts power"
    assert split_site_suffix("No separator here") is None
    assert is_site_suffix("Daily Post", [], short_is_enough=True)
    assert not is_site_suffix("High Tech Heart Surgery", site_names("https://www.bbc.co.uk/x"), short_is_enough=True)
    assert not names_site("", ["bbc"])


def test_chinese_and_japanese_titles_lose_a_site_name_after_a_full_width_bar_or_an_underscore():
    assert strip_site_suffix("九州北部で記録的大雨｜西日本ニュース", [], always=True) == "九州北部で記録的大雨"
    assert strip_site_suffix("地铁十四号线东段开通运营_城市晚报", [], always=True) == "地铁十四号线东段开通运营"
    # An underscore joining ASCII letters or digits is part of a name.
    assert strip_site_suffix("Python's snake_case turns 30", [], always=True) == "Python's snake_case turns 30"


def test_chinese_and_japanese_titles_lose_a_section_and_site_after_hyphens_underscores_or_a_colon_naming_the_site():
    assert strip_site_suffix("今晨能见度不足200米-江城晚报", [], always=True) == "今晨能见度不足200米"
    assert strip_site_suffix("消费数据发布--财经--人民网", [], always=True) == "消费数据发布"
    assert strip_site_suffix("同比增长4.6%_财经频道_华夏网", [], always=True) == "同比增长4.6%"
    names = site_names("https://www.choyo-shimbun.example/a", "朝陽新聞デジタル")
    assert strip_site_suffix("予算案が膨らむ：朝陽新聞デジタル", names, always=True) == "予算案が膨らむ"
    # A full-width colon that opens a subtitle stays, and so does a hyphen in a Latin word.
    assert strip_site_suffix("大雾黄色预警：今晨能见度不足200米", names, always=True) == "大雾黄色预警：今晨能见度不足200米"
    assert strip_site_suffix("X-ray clinic opens", [], always=True) == "X-ray clinic opens"


def test_a_record_title_field_loses_the_site_name_the_url_or_source_gives():
    cleaner = Cleaner([])
    text = "Clinton Foundation spent 5.7% on charity.\n\nThe rest went to salaries."
    named = cleaner.clean(Article(id="a", text=text, source="f", url="http://eaglerising.com/36847/x",
                                  title="Clinton Foundation Spent 5.7% on Charity – Eagle Rising"))
    assert named.title == "Clinton Foundation Spent 5.7% on Charity"
    by_source = cleaner.clean(Article(id="b", text=text, source="f", title="Storm cuts power ⋆ US Herald",
                                      metadata={"source": "http://usherald.com"}))
    assert by_source.title == "Storm cuts power"
    subtitle = cleaner.clean(Article(id="c", text=text, source="f", url="https://www.bbc.com/news/x",
                                     title="Temperatures are rising - and so are ice cream prices"))
    assert subtitle.title == "Temperatures are rising - and so are ice cream prices"
