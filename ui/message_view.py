"""The conversation view: finished messages rendered from Markdown, the reply in progress appended.

While a reply streams, text is inserted at the end of the document (never re-rendered per token);
when it ends, that one message is rendered as Markdown. Code blocks get a "Copy" link, user
messages an "Edit" link; both arrive as ``copy:N`` / ``edit:ID`` anchors. Under a reply, a card per
source it cites (file, page label or heading, excerpt; ``source:N``), a warning per cited sentence its
passage may not support, and the uncited ones folded as "+N more retrieved" (``more:ID``).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QGuiApplication, QPalette, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.chat.export import ROLE_TITLES
from app.chat.store import Message
from app.docs import citations

_CODE = re.compile(r"<pre><code[^>]*>(.*?)</code></pre>", re.S)
STATUS_NOTES = {
    "interrupted": "interrupted: the app closed before this reply finished",
    "stopped": "stopped",
    "failed": "failed",
}


@lru_cache(maxsize=512)
def markdown_html(text: str) -> str:
    import markdown

    return str(markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"]))


class MessageView(QTextBrowser):
    edit_requested = Signal(int)  # user message id
    source_requested = Signal(dict)  # a cited source: file, path, page, excerpt

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self._messages: list[Message] = []
        self._code_blocks: list[str] = []
        self._sources: list[dict[str, object]] = []
        self._expanded: set[int] = set()  # messages whose uncited sources are shown
        self._streaming = False
        self._reply_cursor = QTextCursor(self.document())

    # rendering -------------------------------------------------------------------------------

    def _css(self) -> str:
        pal = self.palette()
        code_bg = pal.color(QPalette.ColorRole.AlternateBase).name()
        muted = pal.color(QPalette.ColorRole.PlaceholderText).name()
        link = pal.color(QPalette.ColorRole.Link).name()
        return (
            f"pre {{ background: {code_bg}; padding: 6px; }} .role {{ font-weight: bold; }}"
            f" .note {{ color: {muted}; font-style: italic; }} a {{ color: {link}; }}"
        )

    def _message_html(self, m: Message) -> str:
        body = markdown_html(m.content) if m.content else ""

        def add_copy(match: re.Match[str]) -> str:
            self._code_blocks.append(html.unescape(match.group(1)))
            n = len(self._code_blocks) - 1
            return f'<p><a href="copy:{n}">Copy code</a></p>{match.group(0)}'

        body = _CODE.sub(add_copy, body)
        head = f'<p class="role">{ROLE_TITLES.get(m.role, m.role)}'
        if m.role == "user":
            head += f' &nbsp;<a href="edit:{m.id}">Edit</a>'
        head += "</p>"
        note = STATUS_NOTES.get(m.status)
        tail = f'<p class="note">({note})</p>' if note else ""
        return head + body + tail + self._sources_html(m)

    def _card(self, src: dict[str, object]) -> str:
        self._sources.append(src)
        excerpt = html.escape(str(src.get("excerpt", ""))[:160])
        title = html.escape(citations.where(src))
        return (
            f'<p class="note"><a href="source:{len(self._sources) - 1}">[{src.get("n", "?")}] {title}</a>'
            f" — {excerpt}</p>"
        )

    def _sources_html(self, m: Message) -> str:
        """Cards for the sources the answer cites, its unsupported claims, "+N more retrieved" folded."""
        cited, others = citations.split_sources(m.content, m.sources)
        out = "".join(self._card(dict(s)) for s in cited)
        for claim in citations.check_claims(m.content, m.sources):
            if not claim.supported:
                refs = "".join(f"[{n}]" for n in claim.cited)
                said = html.escape(claim.sentence)
                out += f'<p class="note">⚠ Check this claim, {refs} may not say it: “{said}”</p>'
        if others and m.id in self._expanded:
            out += "".join(self._card(dict(s)) for s in others)
        elif others:
            out += f'<p class="note"><a href="more:{m.id}">+{len(others)} more retrieved</a></p>'
        return out

    def set_messages(self, messages: list[Message]) -> None:
        """Render a whole conversation (on switching chats and when a reply ends)."""
        self._messages = list(messages)
        self._code_blocks = []
        self._sources = []
        self._streaming = False
        parts = [self._message_html(m) for m in self._messages]
        self.document().setDefaultStyleSheet(self._css())
        self.setHtml("<hr/>".join(parts))
        self.moveCursor(QTextCursor.MoveOperation.End)

    def begin_reply(self) -> None:
        """Open an empty assistant block at the end; text is then appended to it."""
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if self._messages:
            cursor.insertHtml("<hr/>")
        cursor.insertHtml('<p class="role"><b>Assistant</b></p>')
        cursor.insertBlock()
        self._reply_cursor = cursor  # stays at the end: each insert moves it past the new text
        self._streaming = True

    def append_text(self, text: str) -> None:
        if not self._streaming:
            return
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        self._reply_cursor.insertText(text)
        if at_bottom:
            bar.setValue(bar.maximum())

    def plain_text(self) -> str:
        return self.toPlainText()

    def changeEvent(self, event: object) -> None:  # light/dark switch
        super().changeEvent(event)  # type: ignore[arg-type]
        from PySide6.QtCore import QEvent

        if getattr(event, "type", lambda: None)() == QEvent.Type.PaletteChange and not self._streaming:
            self.set_messages(self._messages)

    # links -----------------------------------------------------------------------------------

    @Slot(QUrl)
    def _on_anchor(self, url: QUrl) -> None:
        kind, _, arg = url.toString().partition(":")
        if kind == "copy" and arg.isdigit() and int(arg) < len(self._code_blocks):
            QGuiApplication.clipboard().setText(self._code_blocks[int(arg)])
        elif kind == "source" and arg.isdigit() and int(arg) < len(self._sources):
            self.source_requested.emit(self._sources[int(arg)])
        elif kind == "more" and arg.isdigit():
            self._expanded.add(int(arg))
            self.set_messages(self._messages)
        elif kind == "edit" and arg.isdigit():
            self.edit_requested.emit(int(arg))
