"""The pure part of duplicate detection: folding, signatures, band keys, matches within a bucket."""

from pipeline.dedup import Signer, exact_key, fold, matches_in_bucket, shingles, similarity, sort_key
from pipeline.records import CleanArticle


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
