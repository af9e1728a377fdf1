import shutil
from pathlib import Path

import pytest
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.localfilesystem import LocalFileSystem

from pipeline.beam.rule_files import bundled_rules_dir, load_rules, read_rule_files
from pipeline.commands.cli import main
from pipeline.core.rules import RuleError
from tests.conftest import BUNDLED_RULES, FIXTURES, IN_PROCESS, RAW, RULE_TOML, read_output

RULE = RULE_TOML.replace('"ad-line"', '"NAME"')


def test_a_folder_gives_its_toml_files_in_name_order(write_rule_file):
    write_rule_file("20-b.toml", RULE.replace("NAME", "b"))
    write_rule_file("10-a.toml", RULE.replace("NAME", "a"))
    folder = write_rule_file("notes.md", "not a rule")
    assert [Path(path).name for path, _ in read_rule_files([str(folder)])] == ["10-a.toml", "20-b.toml"]
    assert [rule.name for rule in load_rules([str(folder)])] == ["a", "b"]


def test_files_and_folders_combine_in_the_order_given(write_rule_file):
    folder = write_rule_file("10-a.toml", RULE.replace("NAME", "a"))
    extra = folder.parent / "zz.toml"
    extra.write_text(RULE.replace("NAME", "first"))
    assert [rule.name for rule in load_rules([str(extra), str(folder)])] == ["first", "a"]


def test_a_missing_path_or_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(RuleError, match=r"no such rule file, or no \*\.toml rule files"):
        load_rules([str(tmp_path / "nope")])
    with pytest.raises(RuleError, match=str(tmp_path)):
        load_rules([str(tmp_path)])


def test_the_same_file_named_twice_is_read_once(monkeypatch):
    # `rules test rules` and `run --rules rules/` name the bundled folder a second time, relatively.
    monkeypatch.chdir(BUNDLED_RULES.parent)
    bundled = load_rules([bundled_rules_dir()])
    assert load_rules([bundled_rules_dir(), "rules", "rules/10-read-time.toml"]) == bundled


def test_duplicate_names_across_folders_name_both_files(write_rule_file):
    folder = write_rule_file("a.toml", RULE.replace("NAME", "same"))
    other = folder.parent / "other"
    other.mkdir()
    (other / "b.toml").write_text(RULE.replace("NAME", "same"))
    with pytest.raises(RuleError, match=r"b\.toml: rule 'same': name already used in .*a\.toml"):
        load_rules([str(folder), str(other)])


def test_the_bundled_rules_are_the_repository_rules_folder_in_a_checkout():
    assert Path(bundled_rules_dir()) == BUNDLED_RULES


class BucketFileSystem(LocalFileSystem):
    """A stand-in for gs:// or s3://: 'bucket://' paths live in a local folder, reached only through Beam."""

    ROOT = ""

    @classmethod
    def scheme(cls):
        return "bucket"

    @classmethod
    def local(cls, path: str) -> str:
        return cls.ROOT + path[len("bucket://"):]

    def match(self, patterns, limits=None):
        results = super().match([self.local(p) for p in patterns], limits)
        for result in results:
            result.pattern = "bucket://" + result.pattern[len(self.ROOT):]
            for metadata in result.metadata_list:
                metadata.path = "bucket://" + metadata.path[len(self.ROOT):]
        return results

    def open(self, path, mime_type="application/octet-stream", compression_type=CompressionTypes.AUTO):
        return super().open(self.local(path), mime_type, compression_type)


def test_rules_in_a_bucket_are_read_through_beam_filesystems(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "rules", tmp_path / "rules")
    monkeypatch.setattr(BucketFileSystem, "ROOT", str(tmp_path) + "/")
    [rule] = load_rules(["bucket://rules"])
    assert (rule.name, rule.file) == ("example-news-subscribe", "bucket://rules/example-news.toml")


def test_run_takes_rules_from_a_bucket(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "rules", tmp_path / "rules")
    monkeypatch.setattr(BucketFileSystem, "ROOT", str(tmp_path) + "/")
    assert main(["run", "--input", str(RAW / "wire.jsonl"), "--output", str(tmp_path / "out"),
                 "--rules", "bucket://rules", *IN_PROCESS]) == 0
    clean = {r["id"]: r for r in read_output(tmp_path / "out", "clean")}
    assert clean["wire-001"]["stats"]["rules"] == [{"rule": "example-news-subscribe", "hits": 1}]
