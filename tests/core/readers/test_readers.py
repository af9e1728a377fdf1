import codecs
import io

import pytest

from pipeline.core.readers import JsonlFields, ReadOptions, article_from_file, detect_format, read_records
from pipeline.core.readers.base import read_at_most
from pipeline.core.readers.decoding import bounded_lines, check_not_binary, decode_bytes, first_line_start
from pipeline.core.readers.jsonl import article_from_json_line
from pipeline.core.records import Article, Rejected, Rejection

FIELDS = JsonlFields()


@pytest.mark.parametrize("path, fmt", [
    ("a/b.jsonl", "jsonl"), ("b.ndjson", "jsonl"), ("b.json.gz", "jsonl"), ("gs://x/page.HTML", "html"),
    ("page.htm.bz2", "html"), ("000_82a2.txt", "text"), ("README", "text"),
])
def test_detect_format_by_extension(path, fmt):
    assert detect_format(path) == fmt


def test_file_ids_are_paths_below_the_globs_fixed_prefix_so_same_named_files_in_two_folders_differ():
    options = ReadOptions(id_root="corpus/bbc/")
    ids = [article_from_file(f"corpus/bbc/{folder}/001.txt.gz", b"Title\n\nBody", "text", options).id
           for folder in ("business", "sport")]
    assert ids == ["business/001", "sport/001"]
    assert article_from_file("corpus/bbc/p.html", b"<html><body><p>Body text</p></body></html>", "html",
                             ReadOptions(id_root="corpus/bbc/", html_mode="full")).id == "p"


def test_without_a_known_glob_a_file_id_is_its_name_without_compression_suffix_and_extension():
    assert article_from_file("s3://bucket/deep/000_82a2.txt.gz", b"T\n\nB", "text").id == "000_82a2"
    assert article_from_file("C:\\data\\story.txt", b"T\n\nB", "text").id == "story"


@pytest.mark.parametrize("data, text", [
    ("naïve “quote”".encode(), "naïve “quote”"),
    (codecs.BOM_UTF8 + b"hello", "hello"),
    ("hello ’".encode("utf-16"), "hello ’"),
    (b"caf\xe9 \x93quoted\x94 \x81", "café “quoted” \x81"),  # Windows-1252 bytes, one it leaves undefined
    ("mixed é ".encode() + b"and \xe9", "mixed é and é"),
])
def test_decode_bytes(data, text):
    assert decode_bytes(data) == text


def test_text_file_is_one_article_named_after_the_file():
    assert article_from_file("in/000_ab.txt.gz", b"Title\n\nBody", "text") == \
        Article(id="000_ab", text="Title\n\nBody", source="in/000_ab.txt.gz")


def test_html_file_takes_title_url_and_metadata_from_the_page_and_its_text_starts_with_the_body():
    page = ('<html lang="de"><head><meta property="og:title" content="Sturm"><link rel="canonical" '
            'href="https://h.example/s"></head><body><h1>Sturm</h1><p>Der Wind hat in der Nacht viele Dächer '
            'abgedeckt, sagte die Feuerwehr am Morgen.</p></body></html>').encode()
    article = article_from_file("p/sturm.html", page, "html")
    assert (article.id, article.title, article.url) == ("sturm", "Sturm", "https://h.example/s")
    assert article.text.endswith("Der Wind hat in der Nacht viele Dächer abgedeckt, sagte die Feuerwehr am Morgen.")
    assert article.metadata == {"language": "de", "site_name": "h.example"}
    assert not article.headline_in_text   # no body paragraph ever becomes the headline


def test_html_file_in_a_declared_charset_is_read_in_it():
    page = '<html><head><meta charset="koi8-r"><title>Москва</title></head><body><p>Снег выпал в Москве.</p>'
    article = article_from_file("p/moskva.html", page.encode("koi8-r"), "html", ReadOptions(html_mode="full"))
    assert (article.title, article.text) == ("Москва", "Снег выпал в Москве.")


@pytest.mark.parametrize(("declared", "written", "paragraph"), [
    ("Shift_JIS", "cp932", "①髙橋市長が予算案を発表した。"),     # NEC and IBM characters: Windows' code page 932
    ("gb2312", "gbk", "记者王镕报道，消费增长4.6%。"),           # 镕 is in GBK, not in GB2312
    ("euc-kr", "cp949", "똠얌꿍 맛 라면 수출이 늘었다."),       # 똠 is in Windows' code page 949, not in KS X 1001
    ("big5", "big5hkscs", "市民話：「佢哋嘅球場今日開幕。」"),     # Cantonese characters of HKSCS
])
def test_an_east_asian_page_is_read_in_the_superset_browsers_read_its_declaration_as(declared, written, paragraph):
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}"></head>' \
           f'<body><p>{paragraph}</p></body></html>'
    with pytest.raises(UnicodeDecodeError):
        page.encode(written).decode(declared)   # the codec of the declared name fails on these bytes
    article = article_from_file("p/page.html", page.encode(written), "html", ReadOptions(html_mode="full"))
    assert article.text == paragraph


@pytest.mark.parametrize("declared", ["gb2312", "Shift_JIS", "windows-1251", "koi8-r", "euc-kr"])
def test_a_page_saved_again_as_utf8_under_its_old_declaration_is_read_as_utf8(declared):
    paragraph = {"gb2312": "国家统计局发布消费数据。", "Shift_JIS": "政府は予算案を固めた。", "euc-kr": "수출이 늘었다.",
                 }.get(declared, "В Казани открыли метро.")
    page = f'<html><head><meta charset="{declared}"></head><body><p>{paragraph}</p></body></html>'
    article = article_from_file("p/page.html", page.encode("utf-8"), "html", ReadOptions(html_mode="full"))
    assert article.text == paragraph


def test_json_line_with_every_field():
    line = b'{"id": "a1", "url": "https://x.org/1", "title": "T", "text": "Body", "extra": 1}'
    assert article_from_json_line(line, "d/f.jsonl", 3, FIELDS) == \
        Article(id="a1", text="Body", source="d/f.jsonl", line=3, url="https://x.org/1", title="T", metadata={"extra": 1})


def test_json_fields_the_job_does_not_read_are_kept_unchanged_as_metadata_also_when_rejected():
    line = b'{"id": "a", "text": "B", "source": "ABC", "date": "Mon, 25 May 2026", "tags": ["x", 1], "n": null}'
    assert article_from_json_line(line, "f.jsonl", 1, FIELDS).metadata == \
        {"source": "ABC", "date": "Mon, 25 May 2026", "tags": ["x", 1], "n": None}
    with pytest.raises(Rejected) as error:
        article_from_json_line(b'{"id": "a", "body": "B", "source": "ABC"}', "f.jsonl", 1, FIELDS)
    assert error.value.metadata == {"body": "B", "source": "ABC"}


def test_json_line_without_id_gets_file_and_byte_offset():
    article = article_from_json_line(b'{"text": "Body"}', "gs://b/d/f.jsonl", 12, FIELDS)
    assert (article.id, article.line) == ("f.jsonl@12", 12)
    assert article_from_json_line(b'{"text": "Body"}', "gs://b/d/f.jsonl", 12, FIELDS, id_root="gs://b/").id == "d/f.jsonl@12"
    assert article_from_json_line(b'{"id": "  ", "text": "Body"}', "f.jsonl", 4, FIELDS).id == "f.jsonl@4"


def test_integer_ids_become_strings():
    assert article_from_json_line(b'{"id": 17, "text": "Body"}', "f.jsonl", 1, FIELDS).id == "17"


def test_field_names_are_configurable():
    fields = JsonlFields(text="body", id="uuid", url="link", title="headline")
    line = b'{"uuid": "u", "body": "B", "link": "https://x.org", "headline": "H"}'
    assert article_from_json_line(line, "f.jsonl", 1, fields) == \
        Article(id="u", text="B", source="f.jsonl", line=1, url="https://x.org", title="H")


@pytest.mark.parametrize("line, reason, detail, record_id", [
    (b'{"id": "a", "text": "cut', "invalid_json", "line is not valid JSON", None),
    (b'["a list"]', "not_an_object", "line holds a JSON list, not an object", None),
    (b'{"id": "a"}', "missing_text", "no 'text' field", "a"),
    (b'{"id": "a", "text": null}', "missing_text", "no 'text' field", "a"),
    (b'{"id": "a", "text": 42}', "bad_field", "field 'text' must be a string, got int", "a"),
    (b'{"id": "a", "text": {"p": 1}}', "bad_field", "field 'text' must be a string, got dict", "a"),
    (b'{"id": true, "text": "B"}', "bad_field", "field 'id' must be a string or integer, got bool", None),
    (b'{"id": "a", "text": "B", "title": ["T"]}', "bad_field", "field 'title' must be a string, got list", "a"),
])
def test_bad_json_lines_are_rejected_with_a_reason(line, reason, detail, record_id):
    with pytest.raises(Rejected) as error:
        article_from_json_line(line, "f.jsonl", 1, FIELDS)
    assert (error.value.stage, error.value.reason, error.value.record_id) == ("parse", reason, record_id)
    assert error.value.detail.startswith(detail)


def test_deeply_nested_json_is_rejected_not_a_crash():
    with pytest.raises(Rejected, match="invalid_json"):
        article_from_json_line(b"[" * 100_000 + b"]" * 100_000, "f.jsonl", 1, FIELDS)


class BrokenStream(io.BytesIO):
    """Gives its bytes, then fails as a truncated archive or a dropped connection would."""

    def read1(self, size=-1):
        data = super().read1(size)
        if not data:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        return data


def test_bounded_lines_never_holds_a_line_over_the_limit():
    stream = io.BytesIO(b"short\n" + b"x" * 1000 + b"\nafter\nlast")
    assert list(bounded_lines(stream, max_bytes=100, chunk=7)) == [(0, b"short\n"), (6, None), (1007, b"after\n"),
                                                                   (1013, b"last")]


def test_bounded_lines_gives_offsets_from_where_the_stream_starts():
    assert list(bounded_lines(io.BytesIO(b"\n\nab\n  \ncd"), max_bytes=10, start=100)) == [(102, b"ab\n"), (108, b"cd")]


def test_blank_runs_over_the_limit_end_a_stream_unless_the_limit_is_off():
    with pytest.raises(Rejected, match="blank lines in a row from byte 3"):
        list(bounded_lines(io.BytesIO(b"ab\n" + b"\n" * 20 + b"cd\n"), max_bytes=10))
    assert list(bounded_lines(io.BytesIO(b"ab\n" + b"\n" * 20 + b"cd\n"), max_bytes=10, limit_blank_runs=False)) == \
        [(0, b"ab\n"), (23, b"cd\n")]


def test_first_line_start_skips_a_line_longer_than_a_chunk_without_holding_it():
    stream = io.BytesIO(b"x" * 100 + b"\nnext\n")
    assert first_line_start(stream, 5, chunk=8) == 101
    assert stream.read() == b"next\n"


def test_a_line_of_exactly_the_limit_is_kept():
    assert list(bounded_lines(io.BytesIO(b"abcd\n"), max_bytes=5)) == [(0, b"abcd\n")]
    assert list(bounded_lines(io.BytesIO(b"abcde\n"), max_bytes=5)) == [(0, None)]


def test_read_at_most_refuses_more_than_the_limit():
    assert read_at_most(io.BytesIO(b"12345"), 5) == b"12345"
    with pytest.raises(Rejected, match="too_large"):
        read_at_most(io.BytesIO(b"123456"), 5)


def test_nul_bytes_mean_binary_unless_utf16_with_a_bom():
    with pytest.raises(Rejected, match="binary"):
        check_not_binary(b"GIF89a\x00\x01")
    with pytest.raises(Rejected, match="binary"):
        check_not_binary("UTF-16 without a BOM".encode("utf-16-le"))
    check_not_binary("with a BOM".encode("utf-16"))


def test_read_records_of_a_jsonl_stream_gives_line_offsets_and_counts_bytes():
    stream = io.BytesIO(b'{"text": "A\\n\\nB"}\n\n{"text": 1}\n' + b"x" * 50 + b"\n")
    records = list(read_records(stream, "f.jsonl", "jsonl", ReadOptions(max_doc_bytes=40)))
    assert [(type(r).__name__, getattr(r, "line", None), size) for r, size in records] == [
        ("Article", 0, 19), ("Rejection", 20, 12), ("Rejection", 32, 0)]
    assert [r.reason for r, _ in records[1:] if isinstance(r, Rejection)] == ["bad_field", "too_large"]


def test_read_records_of_a_whole_file():
    [(article, size)] = read_records(io.BytesIO(b"Title\n\nBody"), "d/a.txt", "text", ReadOptions(max_doc_bytes=100))
    assert (article, size) == (Article(id="a", text="Title\n\nBody", source="d/a.txt"), 11)
    [(rejection, _)] = read_records(io.BytesIO(b"x" * 101), "d/a.txt", "text", ReadOptions(max_doc_bytes=100))
    assert isinstance(rejection, Rejection) and (rejection.id, rejection.reason) == (None, "too_large")


def test_a_read_error_keeps_the_lines_before_it_and_rejects_the_rest_once():
    stream = BrokenStream(b'{"text": "A\\n\\nB"}\n{"text": "C\\n\\nD"}\n{"text": "cut')
    records = [r for r, _ in read_records(stream, "f.jsonl.gz", "jsonl", ReadOptions(max_doc_bytes=1000))]
    assert [type(r).__name__ for r in records] == ["Article", "Article", "Rejection"]
    cut = records[2]
    assert isinstance(cut, Rejection)
    assert (cut.reason, cut.line) == ("unreadable", 38)   # the byte where the cut line starts
    assert "EOFError" in cut.detail


def test_metadata_nested_deeper_than_its_surrogate_walk_rejects_that_line_and_the_next_lines_are_read():
    deep = '{"text": "Body", "meta": ' + "[" * 600 + "]" * 600 + "}"
    data = (deep + '\n{"text": "Two"}\n{"text": "Three"}\n').encode()
    records = [record for record, _ in read_records(io.BytesIO(data), "in/deep.jsonl", "jsonl")]
    assert [getattr(r, "reason", None) for r in records] == ["invalid_json", None, None]
    assert [r.text for r in records[1:] if isinstance(r, Article)] == ["Two", "Three"]


def test_a_page_declaring_a_codec_that_is_no_text_encoding_is_read_as_any_other_page():
    page = b'<html><head><meta charset="base64"><title>Storm</title></head><body><article><p>' + \
        b"The storm closed every road into the valley on Monday, and the council opened two shelters. " * 3 + \
        b"</p></article></body></html>"
    article = article_from_file("in/page.html", page, "html")
    assert "The storm closed every road" in article.text


def test_a_range_inside_one_long_line_reads_only_its_own_bytes():
    # A 1 GB one-line file cut into 1 MB ranges must not have every range read on to the line's end.
    stream = io.BytesIO(b"x" * 1_000_000 + b"\n" + b'{"text": "next"}\n')
    assert first_line_start(stream, 1000, stop=2000) == 2000
    assert stream.tell() == 2000
    assert first_line_start(stream, 999_000, stop=1_000_500) == 1_000_001   # the line after it starts in range
