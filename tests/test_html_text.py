from pipeline.html_text import html_to_text


def test_scripts_styles_comments_and_head_are_dropped():
    page = html_to_text(
        "<html><head><title>Site | Story</title><style>p{}</style></head><body>"
        "<!-- tracking --><script>var a = 1;</script><noscript>Enable JS</noscript><p>Story text.</p></body></html>")
    assert page.text == "Story text."


def test_block_elements_become_paragraphs_and_inline_elements_join():
    page = html_to_text("<div><h2>Head</h2><p>One <a href='#'>link</a> and <em>more</em>.</p>"
                        "<ul><li>First</li><li>Second</li></ul></div>")
    assert page.text == "Head\n\nOne link and more.\n\nFirst\n\nSecond"


def test_source_line_breaks_are_spaces_and_br_is_a_line_break():
    assert html_to_text("<p>A long\n   sentence.<br>Next line.</p>").text == "A long sentence.\nNext line."


def test_entities_are_decoded():
    assert html_to_text("<p>Fish &amp; chips&nbsp;&#8211; &ldquo;fresh&rdquo;</p>").text == "Fish & chips\u00a0– “fresh”"


def test_title_and_url_from_meta_and_canonical():
    page = html_to_text('<head><meta property="og:title" content=" Storm "><meta property="og:url" '
                        'content="https://h.example/og"></head><body><p>x</p></body>')
    assert (page.title, page.url) == ("Storm", "https://h.example/og")
    page = html_to_text('<head><link rel="canonical" href="https://h.example/c"></head><p>x</p>')
    assert (page.title, page.url) == (None, "https://h.example/c")


def test_a_page_of_only_script_has_no_text():
    assert html_to_text("<html><script>a()</script><style>b{}</style></html>").text == ""
