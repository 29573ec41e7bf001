"""Shared pieces of the Models page: tables, buttons, a progress bar delegate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
)

from ui.models_models import FRACTION_ROLE


class ProgressDelegate(QStyledItemDelegate):
    """Draws the download fraction as a progress bar."""

    def paint(
        self, painter: Any, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        fraction = index.data(FRACTION_ROLE)
        if fraction is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(float(fraction) * 1000)
        bar.text = f"{float(fraction):.0%}"
        bar.textVisible = True
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


def table(model: Any, name: str) -> QTableView:
    """A read-only table of ``model``, one row selected at a time; ``name``: what a screen reader says."""
    view = QTableView()
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def buttons(*pairs: tuple[str, Callable[[], Any]]) -> QHBoxLayout:
    row = QHBoxLayout()
    for text, slot in pairs:
        b = QPushButton(text)
        b.clicked.connect(slot)
        row.addWidget(b)
    row.addStretch(1)
    return row


def selected(view: QTableView) -> Any:
    index = view.currentIndex()
    model: Any = view.model()
    return model.row_at(index) if index.isValid() else None
