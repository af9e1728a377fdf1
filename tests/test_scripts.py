"""Articles in seven scripts, end to end through the job: none is lost, each body survives as written; news pages in
eight scripts, and pages laid out as Japanese, Chinese, Korean, Russian and Arabic sites lay out an article, each
body extracted as its truth has it, without the page's furniture.

The fixtures (fixtures/scripts/) are self-written news articles in Japanese, Chinese, Korean, Thai, Arabic,
Russian and Hindi, scraped with cruft the bundled rules know; they are built as text files, JSONL, Parquet, HTML
pages and a WARC file of those pages.
"""

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from lxml import html as lxml_html

from pipeline.beam.job import JobConfig, run_job
from pipeline.beam.rule_files import load_rules
from pipeline.core.body_score import score_page, unmatched_runs
from pipeline.core.normalize import NormalizeOptions, UnicodeForm
from pipeline.core.steps import CleanOptions
from tests.conftest import BUNDLED_RULES, FIXTURES, IN_PROCESS, read_output, run_cli

SOURCE = FIXTURES / "scripts"
ARTICLES = {row["id"]: row for row in map(json.loads, (SOURCE / "articles.jsonl").read_text("utf-8").splitlines())}
RULES = load_rules([str(BUNDLED_RULES)])
INPUTS = {"text": "text/*", "jsonl": "articles.jsonl", "html": "pages/*", "parquet": "articles.parquet",
          "warc": "pages.warc.gz"}
BY_URL = {article["url"]: key for key, article in ARTICLES.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scripts")
    subprocess.run([sys.executable, str(SOURCE / "make_fixtures.py"), str(folder)], check=True)
    return folder


def run(built: Path, kind: str, out: Path, unicode_form: UnicodeForm = "NFC") -> tuple[list[dict], list[dict], dict]:
    clean = CleanOptions(mass_removal="reject", normalize=NormalizeOptions(unicode_form=unicode_form))
    config = JobConfig(input_pattern=str(built / INPUTS[kind]), output_dir=str(out), rules=RULES, clean=clean)
    _, summary = run_job(config, PipelineOptions(IN_PROCESS))
    return read_output(out, "clean"), read_output(out, "rejected"), summary


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_no_article_in_any_script_is_rejected_and_each_body_survives_intact(built, tmp_path, kind):
    clean, rejected, summary = run(built, kind, tmp_path)
    assert rejected == []
    assert summary["rejected_by_reason"] == {}
    # Text files and pages are named by the article's id; a WARC record's id is its own, its URL the article's.
    by_id = {BY_URL.get(record["url"]) or record["id"].removesuffix(".txt").removesuffix(".html"): record
             for record in clean}
    assert sorted(by_id) == sorted(ARTICLES)
    for key, article in ARTICLES.items():
        assert by_id[key]["title"] == article["title"], key
        # Every paragraph as written; every cruft line, and the repeated headline, gone.
        assert by_id[key]["text"] == "\n\n".join(article["paragraphs"]), key
        assert by_id[key]["stats"]["words_removed_by_rules"] < 0.5, key
    # The rules did fire: the share bar (twice: "Share" and the button line) and the advert in every article.
    assert summary["rules"]["share-bar"] == {"hits": 2 * len(ARTICLES), "documents": len(ARTICLES)}
    assert summary["rules"]["advertisement-line"] == {"hits": len(ARTICLES), "documents": len(ARTICLES)}


def test_nfkc_changes_only_what_nfkc_defines(built, tmp_path):
    clean, rejected, _ = run(built, "jsonl", tmp_path, unicode_form="NFKC")
    assert rejected == []
    for record in clean:
        paragraphs = ARTICLES[record["id"]]["paragraphs"]
        assert record["text"] == unicodedata.normalize("NFKC", "\n\n".join(paragraphs)), record["id"]
    # Under the default NFC the Chinese full-width punctuation is the publisher's; NFKC folds it, as asked.
    assert "，" in "".join(ARTICLES["zh-metro-line"]["paragraphs"])
    assert "，" not in next(r["text"] for r in clean if r["id"] == "zh-metro-line")


def test_every_clean_record_carries_its_language_and_a_declaration_that_differs_stays_beside_it(built, tmp_path):
    clean, _, summary = run(built, "html", tmp_path / "html")
    for record in clean:
        key = record["id"].removesuffix(".html")
        # The pages declare their language in <html lang>, rightly: no declared_language beside it.
        assert record["metadata"]["language"] == ARTICLES[key]["language"], key
        assert "declared_language" not in record["metadata"], key
        assert 0.9 <= record["metadata"]["language_score"] <= 1, key
    assert summary["languages"] == {code: 1 for code in sorted(a["language"] for a in ARTICLES.values())}
    wrong = tmp_path / "declared.jsonl"
    wrong.write_text(json.dumps({"id": "ru", "text": "\n\n".join(ARTICLES["ru-volga-bridge"]["paragraphs"]),
                                 "language": "en-GB"}, ensure_ascii=False) + "\n", encoding="utf-8")
    config = JobConfig(input_pattern=str(wrong), output_dir=str(tmp_path / "out"), rules=RULES)
    run_job(config, PipelineOptions(IN_PROCESS))
    [record] = read_output(tmp_path / "out", "clean")
    assert {key: record["metadata"][key] for key in ("language", "declared_language")} == \
        {"language": "ru", "declared_language": "en-GB"}


def test_languages_keeps_only_those_and_rejects_the_rest_with_the_detected_one(built, tmp_path):
    clean = CleanOptions(languages=("ru", "ja"))
    config = JobConfig(input_pattern=str(built / "articles.jsonl"), output_dir=str(tmp_path), rules=RULES, clean=clean)
    _, summary = run_job(config, PipelineOptions(IN_PROCESS))
    assert sorted(r["id"] for r in read_output(tmp_path, "clean")) == ["ja-kyushu-rain", "ru-volga-bridge"]
    rejected = {r["id"]: r for r in read_output(tmp_path, "rejected")}
    assert sorted(rejected) == ["ar-amman-water", "hi-monsoon-delhi", "ko-minimum-wage", "th-bangkok-flood",
                                "zh-metro-line"]
    assert {r["reason"] for r in rejected.values()} == {"language"}
    assert rejected["ko-minimum-wage"]["detail"] == "detected ko (1.00); kept: ru, ja"
    assert summary["rejected_by_reason"] == {"language": 5}
    assert summary["languages"] == {"ja": 1, "ru": 1}


def test_an_unknown_language_code_stops_the_run_before_anything_is_read(tmp_path):
    ran = run_cli("run", "--input", str(SOURCE / "articles.jsonl"), "--output", str(tmp_path / "out"),
                  "--languages", "en,english", *IN_PROCESS)
    assert ran.returncode == 2
    assert "--languages: unknown language code 'english'" in ran.stderr
    assert not (tmp_path / "out").exists()


# News pages in eight scripts (fixtures/script_pages/): self-written articles in real templates' markup, a site
# header and menu, a byline and date, a photo caption, a related-links box and a "read also" teaser inside the
# article, share bars, comments and a footer; the truth in the article-extraction benchmark's format.
SCRIPT_PAGES = FIXTURES / "script_pages"
PAGE_TRUTH = json.loads((SCRIPT_PAGES / "ground-truth.json").read_text("utf-8"))
# The eight pages in those two templates; the others are laid out as sites in their scripts lay out an article.
TEMPLATE_PAGES = ("ar-amman-water", "el-piraeus-port", "hi-monsoon-delhi", "ja-kyushu-rain", "ko-minimum-wage",
                  "ru-volga-bridge", "th-bangkok-flood", "zh-metro-line")
# The page's furniture by its place in the template: menu, share bars, caption, related box, teaser, comments, footer.
FURNITURE = ("//nav | //div[@class='menu'] | //div[starts-with(@class, 'share-bar')] | //div[starts-with(@class, 'social')]"
             " | //figcaption | //p[@class='wp-caption-text'] | //aside | //div[@class='related-posts'] | //p[strong]"
             " | //*[@id='comments'] | //footer | //div[@id='footer'] | //div[@class='byline'] | //div[@class='post-info']")


@pytest.fixture(scope="module")
def script_pages(tmp_path_factory) -> tuple[dict[str, dict], list[dict]]:
    out = tmp_path_factory.mktemp("script-pages")
    config = JobConfig(input_pattern=str(SCRIPT_PAGES / "*.html"), output_dir=str(out), rules=RULES)
    run_job(config, PipelineOptions(IN_PROCESS))
    return {r["id"].removesuffix(".html"): r for r in read_output(out, "clean")}, read_output(out, "rejected")


def test_every_page_in_every_script_is_in_the_clean_output_with_its_language(script_pages):
    clean, rejected = script_pages
    assert rejected == []
    assert sorted(clean) == sorted(PAGE_TRUTH)
    for key, record in clean.items():
        assert record["metadata"]["language"] == key.split("-")[0], key
        assert record["url"] == PAGE_TRUTH[key]["url"], key


def test_each_body_matches_its_truth_and_the_headline_is_the_title_without_the_site_name(script_pages):
    clean, _ = script_pages
    for key in TEMPLATE_PAGES:
        record = clean[key]
        score = score_page(key, PAGE_TRUTH[key]["articleBody"], record["text"])
        assert score.f1 >= 0.97, (key, unmatched_runs(record["text"], PAGE_TRUTH[key]["articleBody"]),
                                  unmatched_runs(PAGE_TRUTH[key]["articleBody"], record["text"]))
        tree = lxml_html.fromstring((SCRIPT_PAGES / f"{key}.html").read_bytes())
        headline = " ".join(tree.xpath("//h1")[0].text_content().split())
        assert record["title"] == headline, key
        assert headline not in record["text"], key


def test_the_pages_furniture_is_gone_from_the_text(script_pages):
    clean, _ = script_pages
    for key in TEMPLATE_PAGES:
        record = clean[key]
        tree = lxml_html.fromstring((SCRIPT_PAGES / f"{key}.html").read_bytes())
        furniture = [" ".join(element.text_content().split()) for element in tree.xpath(FURNITURE)]
        pieces = {piece for text in furniture for piece in text.split(" | ") if len(piece) > 1}
        assert len(pieces) >= 8, key
        kept = [piece for piece in pieces if piece in record["text"]]
        assert kept == [], key


def test_chinese_and_japanese_wrapped_in_the_source_read_without_spaces_at_the_wraps(script_pages):
    clean, _ = script_pages
    # The Japanese page's paragraphs are wrapped every 28 characters in its HTML; a reader sees none of the wraps.
    assert "断続的に激しい雨が降り" in clean["ja-kyushu-rain"]["text"]
    assert " " not in clean["ja-kyushu-rain"]["text"].replace("ＪＲ", "")
    # A list of stations, each naming its station with a link: prose, not related links.
    assert "- 会展中心站的C口和D口预计十月中旬开放；" in clean["zh-metro-line"]["text"].split("\n\n")


# Pages laid out as news sites in those scripts lay out an article: a national daily in Shift_JIS and a portal of
# wire copy (its <html lang> says "en") in Japanese, a GB2312, a traditional, a portal's and a brief in Chinese
# (the brief's <html lang> says "en"), a EUC-KR page whose body is text between <br>, a wire's page and a brief in
# Korean, a Windows-1251 page in Russian, a page right to left in Arabic; the pages in legacy encodings declare
# them only in <meta>, and hold characters only the vendors' supersets have (①, 镕, 똠). Each around the story:
# the byline, editor and source lines, the date line, captions, reproduction notices, share bars, rankings and
# related lists.
SITE_TITLES = {
    "ja-daily-budget": "来年度予算案、過去最大の１２０兆円台に 防衛費と社会保障費が膨らむ",
    "ja-portal-quake": "石川県で震度４ 津波の心配なし（共同通信）",   # the portal's og:title names the wire
    "zh-gbk-consumption": "前11个月社会消费品零售总额同比增长4.6%",
    "zh-tw-typhoon": "颱風海葵逼近 東部山區豪雨特報",
    "zh-brief-fog": "大雾黄色预警：今晨京津冀部分地区能见度不足200米",
    "ko-euckr-exports": "K-푸드 수출 100억 달러 돌파…라면·김이 견인",
    "ko-brief-snow": "서울 첫눈 관측…평년보다 9일 늦어",
    "ru-cp1251-metro": "В Казани открыли две новые станции метро",
    "ar-cairo-metro": "افتتاح المرحلة الأولى من الخط الرابع لمترو القاهرة",
    "ko-yonhap-rates": '한은, 기준금리 연 2.50% 동결…"물가·환율 불확실성"',
    "zh-portal-ev": "新能源汽车下乡活动启动 首批百余款车型参加",
}
# trafilatura finds no body container on the daily's page and recovers its paragraphs one by one, never a list:
# the list of the budget's four items is lost (in any script; not fixed here).
LOST_LIST = "\n".join(["①社会保障費　約３９兆円", "②国債費　約３０兆円", "③地方交付税交付金　約１９兆円", "④防衛費　約９兆円"])


def test_pages_as_sites_in_those_scripts_lay_them_out_clean_to_their_truth(script_pages):
    clean, _ = script_pages
    assert sorted(SITE_TITLES) == sorted(set(PAGE_TRUTH) - set(TEMPLATE_PAGES))
    for key, title in SITE_TITLES.items():
        record = clean[key]
        truth = PAGE_TRUTH[key]["articleBody"]
        if key == "ja-daily-budget":
            truth = truth.replace(LOST_LIST + "\n", "")
        assert record["text"] == truth.replace("\n", "\n\n"), key
        assert record["title"] == title, key
        assert record["metadata"]["language"] == key.split("-")[0], key


@pytest.mark.xfail(strict=True, reason="trafilatura's recovery of a page without a body container keeps no list")
def test_a_list_in_a_page_without_a_body_container_is_kept(script_pages):
    clean, _ = script_pages
    assert LOST_LIST.replace("\n", "\n\n") in clean["ja-daily-budget"]["text"]
