"""Table model of a library's documents: file, status, pages, chunks, and the error or progress note.

Rows come from the index listing (``DocRecord``-like objects) and are updated live by ingestion
progress (``FileResult``-like objects): the model only paints, it never touches the index itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.i18n import tr, tr_noop

# "Pages": pages, or sections without pages
COLUMNS = (tr_noop("File"), tr_noop("Status"), tr_noop("Pages"), tr_noop("Chunks"), tr_noop("Details"))
STATUS_TEXT = {
    "complete": tr_noop("indexed"),
    "indexed": tr_noop("indexed"),
    "unchanged": tr_noop("indexed"),
    "indexing": tr_noop("indexing…"),
    "queued": tr_noop("queued"),
    "failed": tr_noop("failed"),
}

Index = QModelIndex | QPersistentModelIndex


@dataclass
class DocRow:
    path: str
    status: str
    pages: int = 0
    chunks: int = 0
    error: str | None = None
    ocr_pages: int = 0  # pages read by OCR: shown "indexed (OCR)"

    @property
    def status_text(self) -> str:
        text = STATUS_TEXT.get(self.status)
        if text is None:  # a status this table does not know: shown as it is
            return self.status
        if text == STATUS_TEXT["indexed"] and self.ocr_pages:
            return tr("indexed (OCR)")
        return tr(text)


class DocumentsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[DocRow] = []

    # Qt API --------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                Path(row.path).name,
                row.status_text,
                str(row.pages) if row.pages else "",
                str(row.chunks) if row.chunks else "",
                row.error or "",
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.path if col == 0 else (row.error or None)
        if role == Qt.ItemDataRole.UserRole:
            return row.path
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # our API -------------------------------------------------------------------------------------

    def rows(self) -> list[DocRow]:
        return list(self._rows)

    def path_at(self, row: int) -> str:
        return self._rows[row].path

    def set_rows(self, rows: list[DocRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def upsert(self, row: DocRow) -> None:
        """Insert or update the row for ``row.path``."""
        for i, existing in enumerate(self._rows):
            if existing.path == row.path:
                self._rows[i] = row
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
                return
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.append(row)
        self.endInsertRows()

    def remove_path(self, path: str) -> None:
        for i, existing in enumerate(self._rows):
            if existing.path == path:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
                return
