"""Shared pieces of the Models page: job callbacks in the GUI thread, tables, a progress bar delegate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Slot
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

from app.cancel import CancelToken
from ui import jobs, messages
from ui.models_models import FRACTION_ROLE


class JobCall(QObject):
    """Routes one job's signals to callbacks in the GUI thread (this object lives there)."""

    def __init__(
        self,
        parent: QObject,
        running: set[jobs.Job],
        job: jobs.Job,
        quiet: bool = False,
        **callbacks: Callable[..., Any] | None,
    ) -> None:
        super().__init__(parent)
        self.running, self.job, self.cb, self.quiet = running, job, callbacks, quiet
        s = job.signals
        s.progress.connect(self._progress)
        s.result.connect(self._result)
        s.failed.connect(self._failed)
        s.cancelled.connect(self._cancelled)
        s.finished.connect(self._finished)

    def _call(self, name: str, *args: Any) -> None:
        fn = self.cb.get(name)
        if fn is not None:
            fn(*args)

    @Slot(object)
    def _progress(self, value: Any) -> None:
        self._call("on_progress", value)

    @Slot(object)
    def _result(self, value: Any) -> None:
        self._call("on_result", value)

    @Slot(str)
    def _failed(self, text: str) -> None:
        if not self.quiet:  # shown unless the page shows it itself (quiet); on_failed updates the page
            messages.bridge().show_error(text)
        self._call("on_failed", text)

    @Slot()
    def _cancelled(self) -> None:
        self._call("on_cancelled")

    @Slot()
    def _finished(self) -> None:
        self.running.discard(self.job)
        self._call("on_finished")
        self.deleteLater()


def run_job(
    parent: QObject,
    running: set[jobs.Job],
    fn: Callable[[CancelToken], Any],
    name: str,
    quiet: bool = False,
    **callbacks: Callable[..., Any] | None,
) -> jobs.Job:
    """Start ``fn`` on the pool; callbacks run in the GUI thread; ``running`` tracks it until finished.
    A failure is shown to the user unless ``quiet`` (then only ``on_failed`` sees it)."""
    job = jobs.Job(fn, name)
    JobCall(parent, running, job, quiet, **callbacks)
    running.add(job)
    jobs.start(job)
    return job


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


def table(model: Any) -> QTableView:
    view = QTableView()
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
