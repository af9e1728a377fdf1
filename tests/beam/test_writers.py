import json

from pipeline.beam.writers.jsonl import JsonlWriter, to_json_line
from pipeline.core.records import CleanArticle

STATS = {"chars_in": 10, "chars_out": 8, "headline_repeats": 0, "rules": {}, "words_removed_by_rules": 0.0}


def test_a_clean_record_is_one_line_of_utf8_json_in_a_fixed_field_order():
    record = CleanArticle(id="a", title="Café “news”", text="Body", source="in/a.txt", line=None, url=None,
                          stats=STATS)
    line = to_json_line(record)
    assert "Café “news”" in line and "\n" not in line
    assert list(json.loads(line)) == ["id", "title", "text", "url", "input_file", "line", "metadata", "stats"]


def test_reading_a_shard_back_splits_on_newlines_only(tmp_path):
    # U+2028 and U+0085 stay raw inside JSON strings (ensure_ascii=False); str.splitlines would cut there.
    records = [CleanArticle(id=f"a\u2028{i}", title="T\u0085", text="x\u2029y", source="s", line=None, url=None,
                            stats=STATS)
               for i in range(2)]
    shard = tmp_path / "clean-00000-of-00001.jsonl"
    shard.write_text("".join(to_json_line(r) + "\n" for r in records), encoding="utf-8")
    assert [r["id"] for r in JsonlWriter.read(str(shard))] == ["a\u20280", "a\u20281"]
