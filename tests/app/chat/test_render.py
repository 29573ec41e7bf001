"""Markdown to HTML on the kind of text models write, and the streaming split."""

from __future__ import annotations

from app.chat import render

LIST_NO_BLANK = "Here are three fruits:\n1. Apple\n2. Pear\n3. Plum\nEnjoy!"


def test_a_list_without_a_blank_line_before_it_is_a_list() -> None:
    out = render.to_html(LIST_NO_BLANK).html
    assert "<p>Here are three fruits:</p>" in out and out.count("<li>") == 3 and "<ol>" in out
    bullets = render.to_html("Options:\n- one\n- two").html
    assert "<ul>" in bullets and bullets.count("<li>") == 2


def test_nested_lists_tables_strikethrough_tasks() -> None:
    text = (
        "1. Outer\n   - inner a\n   - inner b\n2. Next\n\n| Name | Qty |\n|---|--:|\n| salt | 2 |\n\n"
        "~~old~~ new\n\n- [ ] to do\n- [x] done\n"
    )
    out = render.to_html(text).html
    assert out.index("<ol>") < out.index("<ul>") < out.index("</ol>")  # the inner list is inside
    assert "<table" in out and "<th>Name</th>" in out and ">salt</td>" in out
    assert "<s>old</s>" in out
    assert "☐ to do" in out and "☑ done" in out and "<input" not in out


def test_code_is_highlighted_and_numbered_for_copy() -> None:
    text = "```python\ndef f(x):\n    return x + 1\n```\n\nand\n\n```\nplain <b>text</b>\n```\n"
    r = render.to_html(text, code_base=3)
    assert r.code == ["def f(x):\n    return x + 1\n", "plain <b>text</b>\n"]
    assert '<a href="copy:3">Copy</a>' in r.html and '<a href="copy:4">Copy</a>' in r.html
    assert 'style="color:' in r.html.split("copy:4")[0]  # python keywords coloured
    assert "plain &lt;b&gt;text&lt;/b&gt;" in r.html  # unknown language: escaped, not highlighted
    dark = render.to_html(text, render.Theme(dark=True)).html
    assert render.Theme(dark=True).code_bg in dark and dark != render.to_html(text).html


def test_raw_html_is_escaped_and_only_web_links_are_links() -> None:
    text = (
        '<script>alert(1)</script> <a href="edit:3">edit</a>\n\n[copy](copy:0) [js](javascript:alert(1)) '
        "[ok](https://example.org) ![pic](file:///etc/passwd) ![web](https://x.example/a.png)"
        " see https://hearth.example/docs"
    )
    out = render.to_html(text).html
    assert "<script>" not in out and "&lt;script&gt;" in out and '<a href="edit:3">' not in out
    assert 'href="copy:0"' not in out and "javascript:" not in out.replace("[js](javascript:", "")
    assert '<a href="https://example.org">ok</a>' in out
    assert '<a href="https://hearth.example/docs">' in out  # a bare URL becomes a link
    # images are never loaded: a web one becomes a link, another one stays text
    assert "<img" not in out and "![pic](file:///etc/passwd)" in out
    assert '<a href="https://x.example/a.png">[web]</a>' in out


def test_split_open_keeps_closed_blocks_and_the_open_one() -> None:
    assert render.split_open("# Title\nbody text") == ("# Title\n", "body text")
    assert render.split_open("One.\n\nTwo.\n\nThr") == ("One.\n\nTwo.\n\n", "Thr")
    closed, open_ = render.split_open("Intro.\n\n```python\nx = 1\n")  # a fence not closed yet
    assert closed == "Intro.\n\n" and open_.startswith("```python\nx = 1")
    assert render.split_open(LIST_NO_BLANK)[0] == "Here are three fruits:\n"
    # a half-typed line that could make the paragraph a heading ("Text\n-") is held back
    assert render.split_open("Some text\n-") == ("", "Some text")
    assert render.split_open("Some text\n-", streaming=False) == ("", "Some text\n-")


def test_rendering_in_pieces_matches_rendering_at_once() -> None:
    """The closed blocks, rendered once each as the text grows, plus the open block = the whole."""
    text = "# Plan\nFirst do this.\n\n1. a\n2. b\n\n```sh\nls\n```\nDone, see https://example.org.\n"
    closed_html, frozen = "", 0
    for end in range(1, len(text) + 1):
        closed, _ = render.split_open(text[:end][frozen:])
        if closed:
            closed_html += render.to_html(closed).html
            frozen += len(closed)
    closed, open_ = render.split_open(text[frozen:], streaming=False)
    assert closed_html + render.to_html(closed).html + render.to_html(open_).html == render.to_html(text).html


def test_a_closed_fence_is_closed_and_an_open_one_is_recognised() -> None:
    assert render.split_open("Intro\n\n```py\nx = 1\n```\n") == ("Intro\n\n```py\nx = 1\n```\n", "")
    assert render.open_fence("```py\nx = 1\ny") == ("py", "x = 1\ny")
    assert render.open_fence("Some `code` here") is None and render.open_fence("``` inline ` tick") is None
    assert "&lt;b&gt;" in render.code_live_html("", "<b>")


def test_preview_cuts_a_long_text_at_a_break() -> None:
    assert render.preview("short", 100) == "short"
    text = "First paragraph here.\n\nSecond paragraph, which goes on and on."
    assert render.preview(text, 40) == "First paragraph here."  # at the paragraph break
    assert render.preview("word " * 40, 52) == ("word " * 10).rstrip()  # at a space
    assert render.preview("x" * 80, 50) == "x" * 50  # no break at all: cut where it must
