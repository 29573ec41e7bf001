"""The chat list: its model (pinned first, then the most recent; a folder and a search narrow it)
and the delegate that draws a search hit's passage under its title, the matched words in bold."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.chat.store import HIT_END, HIT_START, ChatStore, Conversation, SearchHit
from app.i18n import tr

Index = QModelIndex | QPersistentModelIndex
IdRole = Qt.ItemDataRole.UserRole + 1
SnippetRole = Qt.ItemDataRole.UserRole + 2  # a search hit's passage as HTML ('' when none)
PIN = "📌 "


def snippet_html(snippet: str) -> str:
    """A search passage as HTML: escaped, the matched words bold."""
    return html.escape(snippet).replace(HIT_START, "<b>").replace(HIT_END, "</b>")


class ConversationListModel(QAbstractListModel):
    def __init__(self, store: ChatStore, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._search = ""
        self.folder: str | None = None  # None: every chat
        self._items: list[SearchHit] = []
        self.reload()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        hit = self._items[index.row()]
        conv = hit.conversation
        if role == Qt.ItemDataRole.DisplayRole:
            return (PIN if conv.pinned else "") + conv.title
        if role == Qt.ItemDataRole.EditRole:
            return conv.title
        if role == Qt.ItemDataRole.ToolTipRole:
            plain = hit.snippet.replace(HIT_START, "").replace(HIT_END, "")
            return (
                conv.title
                + (f"\n{plain}" if plain else "")
                + ("\n" + tr("Folder: {name}").format(name=conv.folder) if conv.folder else "")
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return tr("Pinned: {title}").format(title=conv.title) if conv.pinned else conv.title
        if role == SnippetRole:
            return snippet_html(hit.snippet) if hit.snippet else ""
        if role == IdRole:
            return conv.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not str(value).strip():
            return False
        hit = self._items[index.row()]
        self._store.update_conversation(hit.conversation.id, title=str(value).strip())
        self._items[index.row()] = SearchHit(self._store.conversation(hit.conversation.id), hit.snippet)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
        return True

    def set_search(self, text: str) -> None:
        self._search = text.strip()
        self.reload()

    def set_folder(self, folder: str | None) -> None:
        self.folder = folder
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        if self._search:
            self._items = self._store.search(self._search, self.folder)
        else:
            self._items = [SearchHit(c) for c in self._store.conversations(folder=self.folder)]
        self.endResetModel()

    def row_of(self, conversation_id: int) -> int:
        return next((i for i, h in enumerate(self._items) if h.conversation.id == conversation_id), -1)

    def id_at(self, row: int) -> int:
        return self._items[row].conversation.id

    def conversation_at(self, row: int) -> Conversation:
        return self._items[row].conversation


class ConversationDelegate(QStyledItemDelegate):
    """A chat's title; under it, while searching, the passage that matched (matched words bold)."""

    def _snippet(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument | None:
        text = index.data(SnippetRole)
        if not text:
            return None
        doc = QTextDocument()
        font = QFont(option.font)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.9))
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setTextWidth(max(40, option.rect.width() - 12))
        doc.setHtml(text)
        return doc

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        doc = self._snippet(option, index)
        if doc is not None:
            size.setHeight(size.height() + int(min(doc.size().height(), 3 * option.fontMetrics.height())) + 4)
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        doc = self._snippet(option, index)
        if doc is None:
            super().paint(painter, option, index)
            return
        title = QStyleOptionViewItem(option)
        self.initStyleOption(title, index)
        rect = option.rect
        line = option.fontMetrics.height() + 6
        title.rect.setHeight(line)
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # the selection and hover background over the whole row
            background = QStyleOptionViewItem(option)
            background.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        super().paint(painter, title, index)
        painter.save()
        painter.translate(rect.left() + 6, rect.top() + line)
        painter.setClipRect(0, 0, rect.width() - 6, rect.height() - line)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        doc.documentLayout().draw(painter, context)
        painter.restore()
