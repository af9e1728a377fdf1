"""The pure part of duplicate detection: folding, signatures, band keys, matches within a bucket."""

import json

from pipeline.core.dedup import Signer, exact_key, fold, matches_in_bucket, shingles, similarity, sort_key
from pipeline.core.records import CleanArticle
from tests.conftest import FIXTURES


def test_folding_ignores_case_punctuation_quotes_and_spacing():
    assert exact_key('He said "no".\n\nThen  LEFT.') == exact_key("he said \u201cno\u201d then left")
    assert exact_key("He said no.") != exact_key("He said yes.")
    assert fold("Don\u2019t stop") == fold("Don't stop") == ["don", "t", "stop"]


def test_a_text_shorter_than_a_shingle_is_one_shingle():
    assert shingles("Two words") == {b"two words"}
    assert len(shingles("one two three four five six")) == 2


def test_signatures_are_the_same_in_every_signer_and_estimate_jaccard():
    text = " ".join(f"word{i}" for i in range(300))
    edited = text + " " + " ".join(f"extra{i}" for i in range(30))
    first, second = Signer(0.7), Signer(0.7)
    assert first.signature(text) == second.signature(text)
    assert first.band_keys(first.signature(text)) == second.band_keys(second.signature(text))
    true_jaccard = len(shingles(text) & shingles(edited)) / len(shingles(text) | shingles(edited))
    assert abs(similarity(first.signature(text), first.signature(edited)) - true_jaccard) < 0.1


def test_bands_and_rows_cover_the_signature():
    signer = Signer(0.7)
    assert signer.bands * signer.rows <= signer.num_perm
    assert len(signer.band_keys(signer.signature("some text here"))) == signer.bands


def test_each_member_points_at_the_smallest_similar_member_with_a_smaller_key():
    signer = Signer(0.5)
    base = " ".join(f"w{i}" for i in range(200))
    a, b, c = ("a", "f", -1), ("b", "f", -1), ("c", "f", -1)
    members = [(c, signer.signature(base + " tail")), (a, signer.signature(base)), (b, signer.signature(base + " end"))]
    found = dict(matches_in_bucket(members, 0.5))
    assert set(found) == {b, c}
    assert found[b][0] == a and found[c][0] == a


def test_the_sort_key_breaks_ties_between_equal_ids_by_file():
    article = CleanArticle(id="007", title="", text="x", source="bbc/tech/007.txt", line=None, url=None)
    other = CleanArticle(id="007", title="", text="x", source="bbc/business/007.txt", line=None, url=None)
    assert sorted([sort_key(article), sort_key(other)])[0] == sort_key(other)


SCRIPTS = FIXTURES / "scripts" / "articles.jsonl"
# The same story as edited by another outlet: a figure or a word changed (in most paragraphs of the Japanese
# and Chinese ones).
EDITS = {
    "ja-kyushu-rain": [("100ミリ", "110ミリ"), ("約3万人", "約3万2000人"), ("見合わせており", "見合わせていて"),
                       ("約50人", "約60人")],
    "zh-metro-line": [("约27公里", "约27.5公里"), ("20分钟左右", "半小时左右"), ("第三条", "第3条"), ("两次", "2次")],
    # Word 5-grams in scripts with spaces, as in English: these articles are short (about 60 words), so one
    # changed word already takes a sixth of their shingles.
    "ru-volga-bridge": [("30 миллиардов", "31 миллиарда")],
    "ar-amman-water": [("300 مليون", "ثلاثمئة مليون")],
}


def _articles() -> dict[str, str]:
    return {r["id"]: "\n\n".join(r["paragraphs"]) for r in map(json.loads, SCRIPTS.read_text("utf-8").splitlines())}


def _edited(text: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    return text


def test_near_copies_are_found_in_scripts_with_and_without_spaces_and_other_articles_are_not():
    articles, signer = _articles(), Signer(0.7)
    for name, edits in EDITS.items():
        copy = _edited(articles[name], edits)
        assert similarity(signer.signature(articles[name]), signer.signature(copy)) >= 0.7, name
    signatures = {name: signer.signature(text) for name, text in articles.items()}
    for a in signatures:
        for b in signatures:
            if a < b:
                assert similarity(signatures[a], signatures[b]) < 0.1, (a, b)


def test_text_without_spaces_is_folded_into_its_units_and_other_text_as_before():
    assert fold("東京（ロイター）地震が起きた。") == ["東", "京", "ロイター", "地", "震", "が", "起", "き", "た"]
    assert fold("Storm hits - coast (BBC)") == ["storm", "hits", "coast", "bbc"]
    assert exact_key("東京で地震") == exact_key("東京 で 地震。")


def test_a_long_text_signed_in_batches_has_the_signature_of_all_its_shingles_at_once():
    from datasketch import MinHash

    from pipeline.core.dedup import NUM_PERM, SCHEME, SEED

    text = " ".join(f"w{i % 7000}" for i in range(30_000))   # three batches of shingles, and repeats
    whole = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    whole.update_batch(sorted(shingles(text)))
    assert Signer(0.7).signature(text) == whole.hashvalues.tobytes()


def test_a_long_text_is_signed_a_batch_of_shingles_at_a_time_never_all_at_once(monkeypatch):
    """Issue 25, case 11: a 10 MB article's shingles at once took 1.9 GB (bench/dedup_signature.py)."""
    from datasketch import MinHash

    from pipeline.core.dedup import _BATCH

    sizes: list[int] = []
    update = MinHash.update_batch

    def recording(self, batch):
        sizes.append(len(batch))
        return update(self, batch)

    monkeypatch.setattr(MinHash, "update_batch", recording)
    Signer(0.7).signature(" ".join(f"w{i}" for i in range(3 * _BATCH)))
    assert max(sizes) == _BATCH and sum(sizes) == 3 * _BATCH - 4   # every 5-word shingle, a batch at a time
