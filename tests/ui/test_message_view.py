"""MessageView and its cards: Markdown, code copy, actions, versions, thinking, incremental streaming."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QTextFormat
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.chat import render
from app.chat.store import Message
from ui import message_card
from ui.message_card import MessageCard
from ui.message_view import MessageView

KILN = "The kiln is fired on Thursdays."
STATS = {"model": "SmolLM2-135M", "completion_tokens": 120, "tokens_per_s": 95.14, "duration_ms": 1430.0}


def msgs() -> list[Message]:
    return [
        Message(1, 1, "user", "Show me *code*", created=1.0, versions=(1,)),
        Message(
            2,
            1,
            "assistant",
            "Here:\n\n```python\nprint('hi')\n```\n",
            status="stopped",
            created=2.0,
            stats=STATS,
            parent_id=1,
            versions=(2, 5, 7),
        ),
    ]


def make_view(qtbot: QtBot, messages: list[Message] | None = None) -> MessageView:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(700, 600)
    view.show()
    view.set_messages(msgs() if messages is None else messages)
    return view


def test_cards_markdown_meta_and_copy(qtbot: QtBot) -> None:
    view = make_view(qtbot)
    text = view.plain_text()
    assert "Show me code" in text and "print('hi')" in text and "(stopped)" in text
    user, reply = view.cards
    assert "SmolLM2-135M · 120 tokens · 95.1 tok/s · 1.4 s" in reply.meta_label.text()
    assert "tokens" not in user.meta_label.text()
    reply.body.anchorClicked.emit(QUrl("copy:0"))  # the code block's Copy link
    assert QGuiApplication.clipboard().text() == "print('hi')\n"
    reply.copy_button.click()  # the whole message, as Markdown
    assert QGuiApplication.clipboard().text() == msgs()[1].content


def test_a_light_dark_switch_repaints_the_column_and_the_cards(qtbot: QtBot) -> None:
    view = make_view(qtbot)
    column = view.widget()
    light = QGuiApplication.palette()
    dark = QPalette(light)
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.Base, "#1f1f1f")):
        dark.setColor(role, QColor(colour))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    QGuiApplication.setPalette(dark)
    try:
        qtbot.waitUntil(lambda: len(view.cards) == 2 and message_card.theme_of(view.cards[1]).dark)
        background = column.grab().toImage().pixelColor(column.width() // 2, column.height() - 4)
        assert background.name() == "#2b2b2b"  # behind the cards: the dark window, not the light one
    finally:
        QGuiApplication.setPalette(light)


def test_actions_and_versions_emit_message_ids(qtbot: QtBot) -> None:
    view = make_view(qtbot)
    user, reply = view.cards
    seen: list[tuple[str, int]] = []
    for name in ("edit", "regenerate", "delete", "branch", "version"):
        getattr(view, f"{name}_requested").connect(lambda i, n=name: seen.append((n, i)))
    user_buttons = {b.text(): b for b in user.action_buttons}
    reply_buttons = {b.text(): b for b in reply.action_buttons}
    assert "Regenerate" not in user_buttons and "Edit" not in reply_buttons
    user_buttons["Edit"].click()
    for name in ("Regenerate", "Delete", "Branch"):
        reply_buttons[name].click()
    assert reply.version_label.text() == "1/3" and not reply.version_label.isHidden()
    assert not reply.prev_button.isEnabled() and user.version_label.isHidden()
    reply.next_button.click()
    assert seen == [("edit", 1), ("regenerate", 2), ("delete", 2), ("branch", 2), ("version", 5)]
    view.set_actions_enabled(False)  # a reply is being written
    assert not any(b.isEnabled() for b in reply.action_buttons) and reply.copy_button.isEnabled()


def test_unchanged_messages_keep_their_cards(qtbot: QtBot) -> None:
    view = make_view(qtbot)
    first, second = view.cards
    changed = msgs()
    changed[1].content = "Changed."
    view.set_messages([*changed, Message(3, 1, "user", "More?")])
    assert view.cards[0] is first and view.cards[1] is not second and len(view.cards) == 3


def test_streaming_renders_only_the_open_block(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot)
    rendered: list[str] = []
    real = render.to_html

    def spy(text: str, *args: Any, **kwargs: Any) -> render.Rendered:
        rendered.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(message_card.render, "to_html", spy)
    view.begin_reply(Message(3, 1, "assistant", "", status="streaming", parent_id=2))
    live = view.cards[-1]
    paragraphs = [f"Paragraph {i} has a few words in it." for i in range(30)]
    reply = "\n\n".join(paragraphs) + "\n"
    for i in range(0, len(reply), 7):
        view.append_text(reply[i : i + 7])
    assert live.body.toPlainText().split() == reply.split()
    assert max(len(t) for t in rendered) < 2 * len(paragraphs[0]) + 4  # never the whole reply again
    assert len(view.cards) == 3


def test_a_streamed_reply_grows_a_few_lines_at_a_time_and_fits_once_done(qtbot: QtBot) -> None:
    """Each change of the live card's height relays out and repaints the whole view: it changes
    every GROW_LINES lines, with its text inside; the finished card is as tall as its text."""
    view = make_view(qtbot)
    view.begin_reply(Message(3, 1, "assistant", "", status="streaming", parent_id=2))
    body = view.cards[-1].body
    QApplication.processEvents()  # laid out, as in the window
    step = message_card.GROW_LINES * body.fontMetrics().lineSpacing()
    heights = []
    words = ("The keeper climbed the stairs as the storm rolled in over the grey water. " * 30).split(" ")
    for i in range(0, len(words), 3):
        view.append_text(" ".join(words[i : i + 3]) + " ")
        heights.append(body.height())
        assert body.height() % step == 0 and body.height() >= body.document().size().height()
    lines = body.document().size().height() / body.fontMetrics().lineSpacing()
    assert lines > 3 * message_card.GROW_LINES  # the text took many lines...
    assert len(set(heights)) <= lines / message_card.GROW_LINES + 1  # ...the height changed per step
    text = " ".join(words)
    view.set_messages([*msgs(), Message(3, 1, "assistant", text, created=3.0, parent_id=2)])
    QApplication.processEvents()
    done = view.cards[-1].body
    assert done.height() - done.document().size().height() < body.fontMetrics().lineSpacing()


def styled(card: MessageCard) -> list[tuple[str, bool, bool, bool, bool, int]]:
    """Each character of the card's text with how it is drawn: bold, italic, link, monospace, heading."""
    out = []
    block = card.body.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            f = it.fragment().charFormat()
            look = (f.fontWeight() > QFont.Weight.Normal, f.fontItalic(), f.isAnchor(), f.fontFixedPitch())
            out += [(c, *look, block.blockFormat().headingLevel()) for c in it.fragment().text()]
            it += 1
        block = block.next()
    while out and out[-1][0].isspace():  # the end of the document: nothing to see
        out.pop()
    return out


def test_prose_streamed_as_plain_runs_looks_as_rendered_whole(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = make_view(qtbot, [])
    calls: list[str] = []
    real = render.to_html
    monkeypatch.setattr(
        message_card.render, "to_html", lambda t, *a, **k: calls.append(t) or real(t, *a, **k)
    )
    reply = (
        "# A title with words\n\nSome **bold words** and _italic ones_, then `code spans` and a "
        "[link to it](https://example.org) or https://example.com/page. Lines can end in two spaces  \n"
        "and go on; words_with_underscores stay as they are, and 2 * 3 is 6, isn't it\n\n"
        "- a list item that runs on for a while\n- another one, with **bold** at the end **\n\n"
        "Closing words without any markup at all, for a good long while, word after word\n"
    )
    view.begin_reply(Message(3, 1, "assistant", "", status="streaming"))
    live = view.cards[-1]
    pieces = [reply[i : i + 3] for i in range(0, len(reply), 3)]
    for piece in pieces:
        view.append_text(piece)
    whole = MessageCard(Message(4, 1, "assistant", reply))
    qtbot.addWidget(whole)
    assert styled(live) == styled(whole)
    assert len(calls) < len(pieces) / 2  # most were drawn without rendering


@pytest.mark.parametrize("size", [2, 3, 5, 8, 13])
def test_sentences_streamed_in_pieces_look_as_rendered_whole(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Sentence ends are drawn without rendering, except where they could make a list or a link: each
    piece drawn so looks as the text so far rendered whole."""
    reply = (
        "It was late. The storm came! Was it over? No; not yet: the keeper waited. "
        "See example.com. Or example. com, and https://example.org and on. Then 3.14 or 2. Not a list.\n\n"
        "12. A list after all\n\n7\n\n1. one\n2. two\n\nEnd of it. e.g. this, i.e. that. Done!\n"
    )
    calls: list[str] = []
    real = render.to_html
    monkeypatch.setattr(
        message_card.render, "to_html", lambda t, *a, **k: calls.append(t) or real(t, *a, **k)
    )
    view = make_view(qtbot, [])
    view.begin_reply(Message(3, 1, "assistant", "", status="streaming"))
    drawn_plain = 0
    for i in range(0, len(reply), size):
        before = len(calls)
        view.append_text(reply[i : i + size])
        if len(calls) == before:  # drawn as plain text
            drawn_plain += 1
            so_far = MessageCard(Message(4, 1, "assistant", reply[: i + size]))
            qtbot.addWidget(so_far)
            assert styled(view.cards[-1]) == styled(so_far), reply[: i + size]
    whole = MessageCard(Message(5, 1, "assistant", reply))
    qtbot.addWidget(whole)
    assert styled(view.cards[-1]) == styled(whole)
    assert drawn_plain > len(reply) / size / 3


def test_no_style_leaks_from_headings_or_rules_into_streamed_text(qtbot: QtBot) -> None:
    view = make_view(qtbot, [])
    view.begin_reply(Message(3, 1, "assistant", "", status="streaming"))
    for piece in ("# Big", " title\nplain", " text after it\n\n---\nafter", " the rule, still", " plain"):
        view.append_text(piece)
    doc = view.cards[-1].body.document()
    blocks = {}
    block = doc.begin()
    while block.isValid():
        blocks[block.text().strip()] = block
        block = block.next()
    assert blocks["Big title"].blockFormat().headingLevel() == 1
    for text in ("plain text after it", "after the rule, still plain"):
        b = blocks[text]
        assert b.blockFormat().headingLevel() == 0
        assert not b.blockFormat().hasProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth)
        it = b.begin()
        while not it.atEnd():
            assert it.fragment().charFormat().fontWeight() <= QFont.Weight.Normal
            it += 1


def test_thinking_streams_into_a_folded_block(qtbot: QtBot) -> None:
    view = make_view(qtbot, [])
    view.begin_reply(Message(3, 1, "assistant", "", status="streaming"))
    card = view.cards[-1]
    for piece in ("<thi", "nk>The user wants", " a greeting."):
        view.append_text(piece)
    assert not card.thinking_button.isHidden() and card.thinking_button.text().startswith("Thinking…")
    assert card.thinking_view.toPlainText() == "The user wants a greeting." and card.thinking_view.isHidden()
    assert card.body.toPlainText().strip() == ""
    view.append_text("</think>\n\nHello **there**!")
    assert card.thinking_button.text().startswith("Thought for")
    assert card.body.toPlainText().strip() == "Hello there!"
    card.thinking_button.click()
    assert not card.thinking_view.isHidden()
    done = MessageCard(Message(3, 1, "assistant", "<think>why</think>Hi", stats={"thinking_ms": 2500}))
    qtbot.addWidget(done)
    assert done.thinking_button.text() == "Thought for 2.5 s" and done.body.toPlainText().strip() == "Hi"
    done.copy()
    assert QGuiApplication.clipboard().text() == "Hi"


def test_cited_sources_as_cards_unsupported_claims_marked_the_rest_folded(qtbot: QtBot) -> None:
    sources = [
        {"n": 1, "file": "a.pdf", "page": 14, "label": "xii", "kind": "pdf", "text": KILN},
        {
            "n": 2,
            "file": "b.md",
            "page": 2,
            "label": "Wool",
            "kind": "markdown",
            "text": "Wash wool in cold.",
        },
        {"n": 3, "file": "c.pdf", "page": 1, "label": "", "kind": "pdf", "text": "Unrelated passage."},
    ]
    answer = "The kiln is fired on Thursdays [1]. Dogs may ride the ferry for free [2]."
    view = make_view(
        qtbot, [Message(1, 1, "user", "When?"), Message(2, 1, "assistant", answer, sources=sources)]
    )
    text = view.plain_text()
    assert "[1] a.pdf, p. xii (page 14)" in text and "[2] b.md, Wool" in text
    assert "c.pdf" not in text and "+1 more retrieved" in text
    assert "Check this claim, [2] may not say it" in text and "Dogs may ride" in text
    assert "Check this claim, [1]" not in text
    card = view.cards[1]
    card.body.anchorClicked.emit(QUrl("more:"))  # unfold
    assert "[3] c.pdf, page 1" in view.plain_text() and "more retrieved" not in view.plain_text()
    with qtbot.waitSignal(view.source_requested) as blocker:
        card.body.anchorClicked.emit(QUrl("source:0"))
    assert blocker.args[0]["file"] == "a.pdf"


def test_model_links_to_app_actions_do_nothing(qtbot: QtBot) -> None:
    view = make_view(qtbot, [Message(1, 1, "assistant", '[edit](edit:1) <a href="copy:0">x</a>')])
    html = view.cards[0].body.toHtml()
    assert 'href="edit:1"' not in html and 'href="copy:0"' not in html


def test_an_open_code_block_is_appended_to_then_highlighted_once_closed(qtbot: QtBot) -> None:
    view = make_view(qtbot, [])
    view.begin_reply(Message(3, 1, "assistant", "", status="streaming"))
    card = view.cards[-1]
    view.append_text("Code:\n\n```python\n")
    lines = [f"x{i} = {i}\n" for i in range(40)]
    for line in lines:
        view.append_text(line)
    assert card.body.toPlainText().count("x39 = 39") == 1 and "Copy" not in card.body.toPlainText()
    assert 'style="color:' not in card.body.toHtml().split("x0")[1]  # plain while open
    view.append_text("```\n\nDone.")
    assert "Copy" in card.body.toPlainText() and card.body.toPlainText().strip().endswith("Done.")
    card.body.anchorClicked.emit(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == "".join(lines)


def test_a_long_user_message_shows_its_start_until_show_all(qtbot: QtBot) -> None:
    pasted = "".join(f"Line {i} of the pasted report, with some words.\n\n" for i in range(400))
    view = make_view(qtbot, [Message(1, 1, "user", pasted)])
    card = view.cards[0]
    shown = card.body.toPlainText()
    assert "Line 0 of" in shown and "Line 399" not in shown
    assert len(shown) < message_card.FOLD_CHARS + 200
    assert f"Show all · {len(pasted):,} characters" in shown
    card.copy_button.click()  # Copy takes all of it
    assert QGuiApplication.clipboard().text() == pasted
    card.body.anchorClicked.emit(QUrl("all:"))
    shown = card.body.toPlainText()
    assert "Line 399 of" in shown and "Show all" not in shown
