"""The download queue of the Models page: one download at a time, pause (keeps the part file),
resume, cancel (deletes it), and unfinished downloads from an earlier run listed as paused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QVBoxLayout, QWidget

from app import settings
from app.cancel import CancelToken
from app.i18n import tr
from app.models.hub import RemoteFile
from ui import jobs
from ui.models_models import DownloadRow, DownloadsModel, RowState
from ui.models_widgets import ProgressDelegate, buttons, selected, table


class DownloadsPanel(QWidget):
    installed = Signal(str)  # path of a model whose download completed and verified

    def __init__(self, config: settings.ModelSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self._active: dict[int, jobs.Job] = {}  # id(DownloadRow) -> running download job
        self.model = DownloadsModel(self)
        self.view = table(self.model, tr("Downloads"))
        self.view.setItemDelegateForColumn(1, ProgressDelegate(self.view))
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.view.setColumnWidth(1, 180)
        row = buttons((tr("Pause"), lambda: self._on_selected_download(self.pause)),
                      (tr("Resume"), lambda: self._on_selected_download(self.resume)),
                      (tr("Cancel"), lambda: self._on_selected_download(self.cancel)))  # fmt: skip
        lay = QVBoxLayout(self)
        lay.addWidget(self.view)
        lay.addLayout(row)

    def download(self, remote: RemoteFile) -> DownloadRow:
        for row in self.model.rows:
            if row.remote == remote and row.state in ("queued", "downloading", "paused"):
                self.resume(row)
                return row
        row = DownloadRow(remote)
        self.model.add(row)
        self._pump()
        return row

    def _on_selected_download(self, action: Callable[[DownloadRow], None]) -> None:
        row = selected(self.view)
        if row is not None:
            action(row)

    def _set(self, row: DownloadRow, state: RowState, message: str = "") -> None:
        row.state, row.message = state, message
        self.model.changed(row)

    def _pump(self) -> None:
        """Start the next queued download when none is running (one at a time)."""
        if any(r.state == "downloading" for r in self.model.rows):
            return
        row = next((r for r in self.model.rows if r.state == "queued"), None)
        if row is None:
            return
        remote, retries = row.remote, self.config.download_retries

        def work(cancel: CancelToken) -> Any:
            from app.models import download

            return download.download(remote, cancel=cancel, retries=retries)

        def progress(p: Any) -> None:
            row.progress = p
            if p.state == "retrying":
                row.message = p.message
            elif p.state == "downloading":
                row.message = ""
            self.model.changed(row)

        def done(path: Any) -> None:
            row.path = str(path)
            self._set(row, "done")
            self.installed.emit(str(path))

        def failed(text: str) -> None:
            self._set(row, "failed", text)

        def cancelled() -> None:
            if row.discard:
                self._discard(row)
            else:
                self._set(row, "paused")

        def finished() -> None:
            self._active.pop(id(row), None)
            self._pump()

        self._set(row, "downloading")
        self._active[id(row)] = jobs.run(
            work,
            self,
            tr("downloading {name}").format(name=remote.filename),
            kind="long",
            on_progress=progress,
            on_result=done,
            on_failed=failed,
            on_cancelled=cancelled,
            on_finished=finished,
        )

    def restore_pending(self) -> None:
        """List downloads an earlier run left unfinished, paused: Resume continues them."""

        def work(cancel: CancelToken) -> Any:
            from app.models import download

            return download.pending()

        def done(found: Any) -> None:
            from app.models.download import Progress

            known = {r.remote for r in self.model.rows}
            for remote, have in found:
                if remote not in known:
                    row = DownloadRow(remote, state="paused", message=tr("unfinished from last time"))
                    row.progress = Progress(remote.filename, have, remote.size, 0.0, None, "paused")
                    self.model.add(row)

        jobs.run(work, self, tr("listing unfinished downloads"), on_result=done)

    def pause(self, row: DownloadRow) -> None:
        job = self._active.get(id(row))
        if job is not None:
            job.cancel()  # -> cancelled -> "paused"; the .part file stays
        elif row.state == "queued":
            self._set(row, "paused")

    def resume(self, row: DownloadRow) -> None:
        if row.state in ("paused", "failed", "queued"):
            self._set(row, "queued")
            self._pump()

    def cancel(self, row: DownloadRow) -> None:
        job = self._active.get(id(row))
        if job is not None:
            row.discard = True
            job.cancel()
        elif row.state in ("queued", "paused", "failed"):
            self._discard(row)

    def _discard(self, row: DownloadRow) -> None:
        remote = row.remote
        self._set(row, "cancelled")

        def work(cancel: CancelToken) -> None:
            from app.models import download

            download.discard(remote)

        jobs.run(work, self, tr("removing a partial download"))

    def shutdown(self) -> None:
        """Cancel the running download (its partial files stay: it resumes next time)."""
        jobs.cancel_all(self)
