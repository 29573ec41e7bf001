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
