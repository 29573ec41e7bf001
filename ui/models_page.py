"""The Models page: what runs on this machine, Hub search with per-file memory fit, downloads, library.

Self-contained widget for the main window's tab bar: ``ModelsPage(parent)``, the signal
``load_requested(path)`` when the user picks an installed model to chat with, and ``shutdown()``
(cancels running jobs; a running download keeps its partial file and resumes next time).
Every Hub request, header read, hash and file copy runs in ui.jobs; slots only paint.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import settings
from app.cancel import CancelToken
from app.models.catalog import Entry
from app.models.hub import FilePlan, RemoteFile
from ui import jobs, messages
from ui.models_models import (
    FRACTION_ROLE,
    DownloadRow,
    DownloadsModel,
    FilesModel,
    InstalledModel,
    InstalledRow,
    RecommendedModel,
    SearchModel,
)


class _Call(QObject):
    """Routes one job's signals to callbacks in the GUI thread (this object lives there)."""

    def __init__(self, page: ModelsPage, job: jobs.Job, **callbacks: Callable[..., Any] | None) -> None:
        super().__init__(page)
        self.page, self.job, self.cb = page, job, callbacks
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
        if self.cb.get("on_failed") is None:
            messages.bridge().show_error(text)
        self._call("on_failed", text)

    @Slot()
    def _cancelled(self) -> None:
        self._call("on_cancelled")

    @Slot()
    def _finished(self) -> None:
        self.page._jobs.discard(self.job)
        self._call("on_finished")
        self.deleteLater()


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


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class ModelsPage(QWidget):
    load_requested = Signal(str)
    installed_refreshed = Signal()
    recommended_refreshed = Signal()
    search_done = Signal()
    files_shown = Signal()
    download_changed = Signal(object)  # a DownloadRow whose state changed
    pending_restored = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs: set[jobs.Job] = set()
        self._active: dict[int, jobs.Job] = {}  # id(DownloadRow) -> running download job
        self.n_ctx = settings.load().models.fit_ctx
        self.installed = InstalledModel(self)
        self.recommended = RecommendedModel(self)
        self.results = SearchModel(self)
        self.files = FilesModel(self)
        self.downloads = DownloadsModel(self)
        self.confirm: Callable[[str], bool] = self._ask
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self._build()
        self.refresh_installed()
        self.refresh_recommended()
        self.restore_pending()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Context for memory estimates:"))
        self.ctx_box = QSpinBox()
        self.ctx_box.setRange(256, 1_048_576)
        self.ctx_box.setSingleStep(1024)
        self.ctx_box.setValue(self.n_ctx)
        self.ctx_box.setSuffix(" tokens")
        self.ctx_box.editingFinished.connect(self._ctx_changed)
        top.addWidget(self.ctx_box)
        top.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._installed_tab(), "Installed")
        self.tabs.addTab(self._recommended_tab(), "Recommended")
        self.tabs.addTab(self._search_tab(), "Search the Hub")
        self.tabs.addTab(self._downloads_tab(), "Downloads")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)

    def _buttons(self, *pairs: tuple[str, Callable[[], Any]]) -> tuple[QHBoxLayout, list[QPushButton]]:
        row = QHBoxLayout()
        out = []
        for text, slot in pairs:
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
            out.append(b)
        row.addStretch(1)
        return row, out

    def _installed_tab(self) -> QWidget:
        w = QWidget()
        self.installed_view = _table(self.installed)
        self.installed_view.doubleClicked.connect(lambda _i: self.load_selected())
        row, _ = self._buttons(("Load", self.load_selected), ("Delete", self.delete_selected),
                               ("Open folder", self.open_folder), ("Import…", self.import_dialog),
                               ("Refresh", self.refresh_installed))  # fmt: skip
        lay = QVBoxLayout(w)
        lay.addWidget(self.installed_view)
        lay.addLayout(row)
        return w

    def _recommended_tab(self) -> QWidget:
        w = QWidget()
        self.ram_label = QLabel("")
        self.recommended_view = _table(self.recommended)
        row, _ = self._buttons(
            ("Download", self.download_recommended), ("Show all files", self.files_of_recommended)
        )
        lay = QVBoxLayout(w)
        lay.addWidget(self.ram_label)
        lay.addWidget(self.recommended_view)
        lay.addLayout(row)
        return w

    def _search_tab(self) -> QWidget:
        w = QWidget()
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search GGUF models on the Hugging Face Hub, e.g. qwen2.5 instruct")
        self.query.returnPressed.connect(lambda: self.search(self.query.text()))
        go = QPushButton("Search")
        go.clicked.connect(lambda: self.search(self.query.text()))
        bar = QHBoxLayout()
        bar.addWidget(self.query)
        bar.addWidget(go)
        self.results_view = _table(self.results)
        self.results_view.selectionModel().currentRowChanged.connect(self._result_chosen)
        self.files_view = _table(self.files)
        self.files_label = QLabel("Pick a repo to see its files and whether they fit.")
        split = QSplitter()
        split.addWidget(self.results_view)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.files_label)
        rl.addWidget(self.files_view)
        row, _ = self._buttons(("Download", self.download_selected_file))
        rl.addLayout(row)
        split.addWidget(right)
        lay = QVBoxLayout(w)
        lay.addLayout(bar)
        lay.addWidget(split)
        return w

    def _downloads_tab(self) -> QWidget:
        w = QWidget()
        self.downloads_view = _table(self.downloads)
        self.downloads_view.setItemDelegateForColumn(1, ProgressDelegate(self.downloads_view))
        row, _ = self._buttons(("Pause", lambda: self._on_selected_download(self.pause)),
                               ("Resume", lambda: self._on_selected_download(self.resume)),
                               ("Cancel", lambda: self._on_selected_download(self.cancel)))  # fmt: skip
        lay = QVBoxLayout(w)
        lay.addWidget(self.downloads_view)
        lay.addLayout(row)
        return w

    # -- jobs -----------------------------------------------------------------------------------
    def _run(
        self, fn: Callable[[CancelToken], Any], name: str, **callbacks: Callable[..., Any] | None
    ) -> jobs.Job:
        job = jobs.Job(fn, name)
        _Call(self, job, **callbacks)
        self._jobs.add(job)
        jobs.start(job)
        return job

    def shutdown(self) -> None:
        """Cancel every job of this page (downloads keep their partial files)."""
        for job in list(self._jobs):
            job.cancel()

    @staticmethod
    def _selected(view: QTableView) -> Any:
        index = view.currentIndex()
        model: Any = view.model()
        return model.row_at(index) if index.isValid() else None

    def _ctx_changed(self) -> None:
        if self.ctx_box.value() != self.n_ctx:
            self.n_ctx = self.ctx_box.value()
            self.refresh_installed()
            if self.files.rows:
                self.show_files(self.files.rows[0].remote.repo_id)

    # -- installed ------------------------------------------------------------------------------
    def refresh_installed(self) -> None:
        n_ctx = self.n_ctx

        def work(cancel: CancelToken) -> list[InstalledRow]:
            from app.models import fit, library

            machine = fit.Machine.current()
            return [InstalledRow(m, m.fit(n_ctx, machine)) for m in library.installed()]

        self._run(work, "listing installed models", on_result=self._installed_ready)

    def _installed_ready(self, rows: list[InstalledRow]) -> None:
        self.installed.set_rows(rows)
        self.installed_refreshed.emit()

    def load_selected(self) -> None:
        row = self._selected(self.installed_view)
        if row is not None:
            self.load_requested.emit(str(row.model.path))

    def delete_selected(self) -> None:
        row = self._selected(self.installed_view)
        if row is None or not self.confirm(f"Delete {row.model.name} ({row.model.size / 1e9:.2f} GB)?"):
            return
        name = str(row.model.path)

        def work(cancel: CancelToken) -> Path:
            from app.models import library

            return library.remove(name)

        self._run(work, "deleting a model", on_result=lambda _p: self.refresh_installed())

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Models", text)
        return bool(answer == QMessageBox.StandardButton.Yes)

    def open_folder(self) -> None:
        from app.models import library

        self.open_url(QUrl.fromLocalFile(str(library.folder())))

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a GGUF model", "", "GGUF models (*.gguf)")
        if path:
            keep = self.confirm("Copy the file into Hearth's model folder? (No = use it where it is)")
            self.import_path(Path(path), copy=keep)

    def import_path(self, path: Path, copy: bool = True) -> None:
        def work(cancel: CancelToken) -> Any:
            from app.models import library

            return library.import_file(path, copy=copy, cancel=cancel)

        def done(result: Any) -> None:
            messages.bridge().show_info(f"Imported {Path(result).name}")
            self.refresh_installed()

        self._run(work, "importing a model", on_result=done)

    # -- recommended ----------------------------------------------------------------------------
    def refresh_recommended(self) -> None:
        def work(cancel: CancelToken) -> tuple[float, list[Entry]]:
            from app import hardware
            from app.models import catalog

            ram_gb = hardware.memory().total_bytes / 1e9
            return ram_gb, catalog.recommend(ram_gb)

        self._run(work, "loading the model catalog", on_result=self._recommended_ready)

    def _recommended_ready(self, result: tuple[float, list[Entry]]) -> None:
        ram_gb, entries = result
        self.ram_label.setText(f"Good choices for this machine's {ram_gb:.0f} GB of RAM, most capable first:")
        self.recommended.set_rows(entries)
        self.recommended_refreshed.emit()

    def download_recommended(self) -> None:
        entry = self._selected(self.recommended_view)
        if entry is None:
            return

        def work(cancel: CancelToken) -> RemoteFile:
            from app.models import download

            return download.find_remote(entry.repo, entry.file)

        self._run(work, "looking up a model", on_result=self.download)

    def files_of_recommended(self) -> None:
        entry = self._selected(self.recommended_view)
        if entry is not None:
            self.tabs.setCurrentIndex(2)
            self.show_files(entry.repo)

    # -- search and files -----------------------------------------------------------------------
    def search(self, query: str) -> None:
        limit = settings.load().models.search_limit

        def work(cancel: CancelToken) -> Any:
            from app.models import hub

            return hub.search(query.strip(), limit=limit)

        def done(results: Any) -> None:
            self.results.set_rows(results)
            if not results:
                messages.bridge().show_info(f"No GGUF models found for “{query}”.")
            self.search_done.emit()

        self._run(work, "searching the Hub", on_result=done)

    def _result_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.results.row_at(current)
        if row is not None:
            self.show_files(row.repo_id)

    def show_files(self, repo_id: str) -> None:
        n_ctx = self.n_ctx
        self.files_label.setText(f"Reading {repo_id} …")

        def work(cancel: CancelToken) -> tuple[list[FilePlan], int]:
            from app.models import hub

            return hub.plan_files(repo_id, n_ctx)

        def done(result: tuple[list[FilePlan], int]) -> None:
            plans, fetched = result
            self.files.set_rows(plans)
            note = f"read {fetched / 1e6:.1f} MB of headers; ★ = best that fits"
            self.files_label.setText(f"{repo_id}: {len(plans)} GGUF files at {n_ctx} tokens ({note})")
            self.files_shown.emit()

        def failed(text: str) -> None:
            self.files_label.setText(text)
            messages.bridge().show_error(text)

        self._run(work, "reading model files", on_result=done, on_failed=failed)

    def download_selected_file(self) -> None:
        plan = self._selected(self.files_view)
        if plan is not None:
            self.download(plan.remote)

    # -- downloads ------------------------------------------------------------------------------
    def download(self, remote: RemoteFile) -> DownloadRow:
        for row in self.downloads.rows:
            if row.remote == remote and row.state in ("queued", "downloading", "paused"):
                self.resume(row)
                return row
        row = DownloadRow(remote)
        self.downloads.add(row)
        self.tabs.setCurrentIndex(3)
        self._pump()
        return row

    def _on_selected_download(self, action: Callable[[DownloadRow], None]) -> None:
        row = self._selected(self.downloads_view)
        if row is not None:
            action(row)

    def _set(self, row: DownloadRow, state: str, message: str = "") -> None:
        row.state, row.message = state, message
        self.downloads.changed(row)
        self.download_changed.emit(row)

    def _pump(self) -> None:
        """Start the next queued download when none is running (one at a time)."""
        if any(r.state == "downloading" for r in self.downloads.rows):
            return
        row = next((r for r in self.downloads.rows if r.state == "queued"), None)
        if row is None:
            return
        remote, retries = row.remote, settings.load().models.download_retries

        def work(cancel: CancelToken) -> Any:
            from app.models import download

            return download.download(remote, cancel=cancel, retries=retries)

        def progress(p: Any) -> None:
            row.progress = p
            if p.state == "retrying":
                row.message = p.message
            elif p.state == "downloading":
                row.message = ""
            self.downloads.changed(row)

        def done(path: Any) -> None:
            row.path = str(path)
            self._set(row, "done")
            messages.bridge().show_info(f"Downloaded {Path(path).name}")
            self.refresh_installed()

        def failed(text: str) -> None:
            self._set(row, "failed", text)
            messages.bridge().show_error(text)

        def cancelled() -> None:
            if row.extra.pop("discard", False):
                self._discard(row)
            else:
                self._set(row, "paused")

        def finished() -> None:
            self._active.pop(id(row), None)
            self._pump()

        self._set(row, "downloading")
        self._active[id(row)] = self._run(work, f"downloading {remote.filename}", on_progress=progress,
                                          on_result=done, on_failed=failed, on_cancelled=cancelled,
                                          on_finished=finished)  # fmt: skip

    def restore_pending(self) -> None:
        """List downloads an earlier run left unfinished, paused: Resume continues them."""

        def work(cancel: CancelToken) -> Any:
            from app.models import download

            return download.pending()

        def done(found: Any) -> None:
            from app.models.download import Progress

            known = {r.remote for r in self.downloads.rows}
            for remote, have in found:
                if remote not in known:
                    row = DownloadRow(remote, state="paused", message="unfinished from last time")
                    row.progress = Progress(remote.filename, have, remote.size, 0.0, None, "paused")
                    self.downloads.add(row)
            self.pending_restored.emit()

        self._run(work, "listing unfinished downloads", on_result=done)

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
            row.extra["discard"] = True
            job.cancel()
        elif row.state in ("queued", "paused", "failed"):
            self._discard(row)

    def _discard(self, row: DownloadRow) -> None:
        remote = row.remote
        self._set(row, "cancelled")

        def work(cancel: CancelToken) -> None:
            from app.models import download

            download.discard(remote)

        self._run(work, "removing a partial download")
