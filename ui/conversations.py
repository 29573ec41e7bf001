"""List model of conversations (most recent first, filterable by a search string)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.chat.store import ChatStore, Conversation

Index = QModelIndex | QPersistentModelIndex
IdRole = Qt.ItemDataRole.UserRole + 1


class ConversationListModel(QAbstractListModel):
    def __init__(self, store: ChatStore, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._search = ""
        self._items: list[Conversation] = store.conversations()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        conv = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return conv.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return conv.title
        if role == IdRole:
            return conv.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not str(value).strip():
            return False
        conv = self._items[index.row()]
        self._store.update_conversation(conv.id, title=str(value).strip())
        self._items[index.row()] = self._store.conversation(conv.id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
        return True

    def set_search(self, text: str) -> None:
        self._search = text.strip()
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._items = self._store.conversations(self._search)
        self.endResetModel()

    def row_of(self, conversation_id: int) -> int:
        return next((i for i, c in enumerate(self._items) if c.id == conversation_id), -1)

    def id_at(self, row: int) -> int:
        return self._items[row].id
