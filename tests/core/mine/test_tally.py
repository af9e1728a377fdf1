"""Counting per site: occurrences and positions, thresholds, the cross-site test, runs and look-alikes."""

from collections import Counter

from pipeline.core.mine.shapes import line_shape
from pipeline.core.mine.tally import (
    MinedDoc,
    MineOptions,
    ShapeTally,
    SiteEvidence,
    is_prose,
    mined_document,
    occurrences,
    repeated,
    repeated_in,
    scan,
    words,
)
from pipeline.core.records import CleanArticle
from pipeline.core.site_suffix import host_of

PROSE = "The council met on Tuesday and agreed a new budget for the roads."


def doc(site: str, n: int, text: str) -> MinedDoc:
    return MinedDoc(site=site, host=site, key=f"{site}-{n}", id=f"{site}-{n:02d}", text=text)


def test_sites_are_url_hosts_without_www_or_a_field():
    article = CleanArticle(id="a", title="t", text="Body.", source="f", line=1, url="https://WWW.Example.com/x",
                           metadata={"source": "Example"})
    assert host_of(article.url) == "example.com"
    by_site, by_source = mined_document(article), mined_document(article, by="source")
    assert by_site is not None and by_site.site == "example.com"
    assert by_source is not None and by_source.site == "Example"
    assert mined_document(article, by="publisher") is None
    assert mined_document(CleanArticle("b", "t", "Body.", "f", 1, None)) is None


def test_each_shape_counts_once_per_page_with_its_position():
    text = "\n".join(["Menu", "One.", "Two.", "Three.", "12 Comments", "Four.", "Five.", "1 Comment", "Footer"])
    found = {shape: occurrence.position for shape, occurrence in occurrences(doc("a.com", 1, text))}
    assert found[line_shape("Menu")] == "top"
    assert found[line_shape("12 Comments")] == "middle"   # '1 Comment' later is the same shape: counted once
    assert found[line_shape("Footer")] == "bottom"
    assert len(found) == 8


def tally_of(docs: list[MinedDoc]) -> dict[str, ShapeTally]:
    tallies: dict[str, ShapeTally] = {}
    for page in docs:
        for shape, occurrence in occurrences(page):
            tallies.setdefault(shape, ShapeTally()).add(occurrence)
    return tallies


def test_thresholds_and_the_cross_site_test():
    pages = [doc("a.com", i, f"Story {i}.\n\nA.com footer\n\nWire quote.") for i in range(6)]
    pages += [doc("b.com", i, f"B story {i}.\n\nWire quote.") for i in range(2)]
    pages += [doc("c.com", 0, "C story.\n\nWire quote.")]
    tallies = tally_of(pages)
    site_docs = Counter(page.site for page in pages)
    footer = list(repeated("A.com footer", tallies["A.com footer"], site_docs, MineOptions()))
    assert [(site, cross) for site, cross, _ in footer] == [("a.com", False)]
    assert footer[0][2].docs == 6 and footer[0][2].share == 1.0 and footer[0][2].positions == (("top", 6),)
    wire = list(repeated("Wire quote.", tallies["Wire quote."], site_docs, MineOptions()))
    assert [(site, cross, c.sites) for site, cross, c in wire] == [("a.com", True, 3)]   # on 3 sites: left out
    assert next(iter(repeated("Wire quote.", tallies["Wire quote."], site_docs, MineOptions(max_sites=4))))[1] is False
    assert list(repeated("A.com footer", tallies["A.com footer"], site_docs, MineOptions(min_docs=7))) == []
    assert repeated_in(tallies["Wire quote."]) == ["a.com", "b.com"]


def test_copies_of_one_page_count_once():
    pages = [MinedDoc("a.com", "a.com", "same", f"id{i}", "Story.\n\nFooter") for i in range(6)]
    tally = tally_of(pages)["Footer"]
    assert list(repeated("Footer", tally, {"a.com": 1}, MineOptions())) == []


def test_tallies_merge_to_the_same_result_in_any_order():
    pages = [doc("a.com", i, f"Story {i}.\n\n{i} Comments") for i in range(8)]
    whole = tally_of(pages)[line_shape("1 Comments")]
    halves = [tally_of(pages[:3])[line_shape("1 Comments")], tally_of(pages[3:])[line_shape("1 Comments")]]
    merged = halves[1].merge(halves[0])
    assert merged.sites["a.com"].docs == whole.sites["a.com"].docs
    assert merged.sites["a.com"].ids == whole.sites["a.com"].ids == [f"a.com-{i:02d}" for i in range(5)]
    assert merged.sites["a.com"].variants == whole.sites["a.com"].variants


def test_scan_finds_runs_with_context_and_prose_look_alikes():
    furniture = {shape: words(shape) for shape in ("Share this", "Email us")}
    page = doc("a.com", 1, f"Top line\n\n{PROSE}\n\nShare this\nEmail us\n\nLast words of the story were spoken here today.")
    evidence = scan(page, furniture, repeated=set())
    ((count, run),) = evidence.runs.values()
    assert count == 1 and run.signature == ("Share this", "Email us")
    assert run.lines == (PROSE, "", "Share this", "Email us", "", "Last words of the story were spoken here today.")
    assert evidence.lookalikes == {}   # no prose line shares a word with the furniture
    assert evidence.fallback is not None and evidence.fallback.line == "Last words of the story were spoken here today."


def test_look_alikes_are_prose_on_one_page_and_near_variants_are_set_apart():
    furniture = {"Sign up for our newsletter": words("Sign up for our newsletter")}
    near = "Sign up for our weekly newsletter here today, it is free."
    prose = "Officials said the sign on the bridge was put up for safety reasons last week."
    page = doc("a.com", 1, f"{prose}\n\n{near}\n\nSign up for our newsletter\n\n{PROSE}")
    evidence = scan(page, furniture, repeated=set())
    # Most words in common first: 'sign', 'up', 'for' against 'for' alone.
    assert [item.line for item in evidence.lookalikes["Sign up for our newsletter"]] == [prose, PROSE]
    assert [item.line for item in evidence.near["Sign up for our newsletter"]] == [near]
    # A line on another page of the site too is no proof of prose.
    assert [item.line for item in scan(page, furniture, repeated={prose}).lookalikes["Sign up for our newsletter"]] \
        == [PROSE]
    assert is_prose(prose) and not is_prose("Sign up for our newsletter")


def test_evidence_merges_keep_the_smallest_page():
    furniture = {"Footer": words("Footer")}
    first, second = SiteEvidence(), SiteEvidence()
    first.merge(scan(doc("a.com", 2, f"{PROSE}\n\nFooter"), furniture, set()))
    second.merge(scan(doc("a.com", 1, f"{PROSE}\n\nFooter"), furniture, set()))
    merged = first.merge(second)
    assert merged.runs[("Footer",)][0] == 2 and merged.runs[("Footer",)][1].doc_id == "a.com-01"
