"""MessageView: Markdown rendering, code copy, edit links, append-only streaming."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.chat.store import Message
from ui.message_view import MessageView


def msgs() -> list[Message]:
    return [
        Message(1, 1, "user", "Show me *code*"),
        Message(2, 1, "assistant", "Here:\n\n```python\nprint('hi')\n```\n", status="stopped"),
    ]


def test_markdown_and_copy_code(qtbot: QtBot) -> None:
    view = MessageView()
    qtbot.addWidget(view)
    view.set_messages(msgs())
    text = view.plain_text()
    assert "Show me code" in text and "print('hi')" in text and "(stopped)" in text
    view._on_anchor(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == "print('hi')\n"


def test_edit_link_emits_message_id(qtbot: QtBot) -> None:
    view = MessageView()
    qtbot.addWidget(view)
    view.set_messages(msgs())
    with qtbot.waitSignal(view.edit_requested) as blocker:
        view._on_anchor(QUrl("edit:1"))
    assert blocker.args == [1]


def test_streaming_appends_without_rerender(qtbot: QtBot) -> None:
    view = MessageView()
    qtbot.addWidget(view)
    view.set_messages(msgs())
    text_before = view.plain_text()
    rerenders: list[str] = []
    view.setHtml = rerenders.append  # type: ignore[method-assign]  # a re-render would go through it
    view.begin_reply()
    for piece in ("Hel", "lo ", "world"):
        view.append_text(piece)
    assert view.plain_text().endswith("Hello world")
    assert view.plain_text().startswith(text_before) and rerenders == []


def test_cited_sources_as_cards_unsupported_claims_marked_the_rest_folded(qtbot: QtBot) -> None:
    sources = [
        {
            "n": 1,
            "file": "a.pdf",
            "page": 14,
            "label": "xii",
            "kind": "pdf",
            "text": "The kiln is fired on Thursdays.",
        },
        {
            "n": 2,
            "file": "b.md",
            "page": 2,
            "label": "Wool",
            "kind": "markdown",
            "text": "Wash wool in cold water.",
        },
        {"n": 3, "file": "c.pdf", "page": 1, "label": "", "kind": "pdf", "text": "Unrelated passage."},
    ]
    answer = "The kiln is fired on Thursdays [1]. Dogs may ride the ferry for free [2]."
    view = MessageView()
    qtbot.addWidget(view)
    view.set_messages([Message(1, 1, "user", "When?"), Message(2, 1, "assistant", answer, sources=sources)])
    text = view.plain_text()
    assert "[1] a.pdf, p. xii (page 14)" in text and "[2] b.md, Wool" in text
    assert "c.pdf" not in text and "+1 more retrieved" in text
    assert "Check this claim, [2] may not say it" in text and "Dogs may ride" in text
    assert "Check this claim, [1]" not in text
    view._on_anchor(QUrl("more:2"))  # unfold
    assert "[3] c.pdf, page 1" in view.plain_text() and "more retrieved" not in view.plain_text()
    with qtbot.waitSignal(view.source_requested) as blocker:
        view._on_anchor(QUrl("source:0"))
    assert blocker.args[0]["file"] == "a.pdf"
