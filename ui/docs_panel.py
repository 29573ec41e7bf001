"""The Documents panel: libraries of documents, drop files/folders to index them, live status, cancel.

Self-contained widget for a tab or dock: ``DocsPanel(config=None, parent=None)``, config being the
window's DocsSettings (read from disk when absent). Every index operation runs as a job
(``ui.jobs``): listing and removal on the interactive pool (a newer listing drops an older one's
late answer), ingestion (progress: files, pages, chunks, ETA) on the long one. Heavy libraries
(torch, sentence-transformers, chromadb, pypdf) are imported inside those jobs only. Which files
can be added is asked of ``app.docs.readers`` (drops, dialogs); a scanned PDF shows "indexed (OCR)".
``libraries_changed(list)`` tells the window which libraries exist so each chat can pick some;
``shutdown()`` cancels running jobs. Errors go to ``ui.messages.bridge()``. Watched folders (kept in
sync: new or changed documents indexed, deleted ones removed) are remembered across restarts; their
watchers sleep between polls on the long pool, so they never hold up listings or searches.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import settings as app_settings
from app.cancel import CancelToken
from app.docs import DEFAULT_LIBRARY, readers
from app.i18n import tr
from ui import jobs
from ui.docs_models import DocRow, DocumentsModel
from ui.messages import bridge


def _index(chroma_url: str) -> Any:
    from app.docs.index import shared_index

    return shared_index(chroma_url)


class DocsPanel(QWidget):
    libraries_changed = Signal(list)  # names of all libraries in the index
    ingest_finished = Signal(list)  # per-file results (JSON dicts) of the last run

    def __init__(
        self, config: app_settings.DocsSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = config or app_settings.load().docs  # the window's own, shared
        self.libraries: list[str] = []
        self._ingest: jobs.Job | None = None
        self._watchers: dict[str, jobs.Job] = {}  # folder -> its running watch job
        self.setAcceptDrops(True)
        self._build()
        self.refresh()
        self._resume_watches()

    # layout ------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.library_box = QComboBox(self)
        self.library_box.setObjectName("libraryChooser")
        self.library_box.setEditable(True)  # type a new name to start a library
        self.library_box.setAccessibleName(tr("Library"))
        editor = self.library_box.lineEdit()
        if editor is not None:
            editor.setAccessibleName(tr("Library name"))
        self.library_box.setToolTip(tr("Library: type a new name to create one"))
        self.library_box.addItem(DEFAULT_LIBRARY)
        self.add_files_button = QPushButton(tr("Add documents…"), self)
        self.add_folder_button = QPushButton(tr("Add folder…"), self)
        self.remove_button = QPushButton(tr("Remove"), self)
        self.watch_button = QPushButton(tr("Watched folders"), self)
        self.watch_menu = QMenu(self)
        self.watch_button.setMenu(self.watch_menu)
        self.cancel_button = QPushButton(tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Library:"), self))
        top.addWidget(self.library_box, 1)
        for b in (self.add_files_button, self.add_folder_button, self.watch_button, self.remove_button):
            top.addWidget(b)

        self.model = DocumentsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("documentsTable")
        self.table.setAccessibleName(tr("Documents in the library"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()

        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.status = QLabel(
            tr("Drop documents (PDF, Word, EPUB, HTML, text) or folders here to index them."), self
        )
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)

        self.library_box.currentTextChanged.connect(self._library_selected)
        self.add_files_button.clicked.connect(self._choose_files)
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.remove_button.clicked.connect(self.remove_selected)
        self.cancel_button.clicked.connect(self.cancel)
        self.table.doubleClicked.connect(self._open_row)

    # properties --------------------------------------------------------------------------------

    @property
    def library(self) -> str:
        return self.library_box.currentText().strip() or DEFAULT_LIBRARY

    def busy(self) -> bool:
        return self._ingest is not None

    # jobs --------------------------------------------------------------------------------------

    def refresh(self) -> jobs.Job:
        """Reload the library list and the current library's documents (in a job)."""
        url, library = self.settings.chroma_url, self.library

        def listing(cancel: CancelToken) -> tuple[list[str], list[DocRow]]:
            index = _index(url)
            docs = [
                DocRow(d.path, d.status, d.pages, d.chunks, d.error, d.ocr_units)
                for d in index.documents(library)
            ]
            return index.libraries(), docs

        return jobs.run(listing, self, tr("listing documents"), key="listing", on_result=self._listed)

    @Slot(object)
    def _listed(self, value: tuple[list[str], list[DocRow]]) -> None:
        libraries, rows = value
        current = self.library
        names = sorted(set(libraries) | {DEFAULT_LIBRARY, current})
        self.library_box.blockSignals(True)
        self.library_box.clear()
        self.library_box.addItems(names)
        self.library_box.setCurrentText(current)
        self.library_box.blockSignals(False)
        if not self.busy():
            self.model.set_rows(rows)
        if libraries != self.libraries:
            self.libraries = list(libraries)
            self.libraries_changed.emit(list(libraries))

    @Slot(str)
    def _library_selected(self, _name: str) -> None:
        if not self.busy():
            self.refresh()

    # adding ------------------------------------------------------------------------------------

    def add_paths(self, paths: list[str]) -> jobs.Job | None:
        """Index files/folders into the current library (one run at a time)."""
        if not paths:
            return None
        if self.busy():
            bridge().show_info(tr("Already indexing; wait for it to finish or cancel it."))
            return None
        cfg, library = self.settings, self.library
        for p in paths:
            if Path(p).is_file():
                self.model.upsert(DocRow(str(Path(p).resolve()), "queued"))

        def work(cancel: CancelToken) -> Any:
            from app.docs.ingest import ingest

            results = yield from ingest(
                paths, library, index=_index(cfg.chroma_url), settings=cfg, cancel=cancel
            )
            return [r.to_json() for r in results]

        self._ingest = jobs.run(work, self, tr("indexing documents"), kind="long", on_progress=self._progress,
                                on_result=self._ingested, on_cancelled=self._ingest_cancelled,
                                on_finished=self._ingest_done)  # fmt: skip
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText(tr("Indexing into library '{library}'…").format(library=library))
        return self._ingest

    @Slot(object)
    def _progress(self, p: Any) -> None:
        if p.files_total:
            self.progress.setRange(0, p.files_total)
            self.progress.setValue(p.files_done)
        if p.current and p.result is None:
            self.model.upsert(DocRow(p.current, "indexing"))
        if p.result is not None:
            self._show_result(p.result)
        if p.eta_s is not None and p.files_done < p.files_total:
            text = tr(
                "{done}/{total} files, {pages} pages read, {chunks} chunks embedded, about {eta} s left"
            )
        else:
            text = tr("{done}/{total} files, {pages} pages read, {chunks} chunks embedded")
        eta = f"{p.eta_s:.0f}" if p.eta_s is not None else ""
        self.status.setText(
            text.format(
                done=p.files_done, total=p.files_total, pages=p.pages_done, chunks=p.chunks_done, eta=eta
            )
        )

    def _show_result(self, r: Any) -> None:
        """A file's final row: failed with its reason, or complete (indexed or unchanged)."""
        status = "failed" if r.status == "failed" else "complete"
        self.model.upsert(DocRow(r.path, status, r.pages, r.chunks, r.error, r.ocr_pages))

    @Slot(object)
    def _ingested(self, results: list[dict[str, Any]]) -> None:
        failed = sum(r["status"] == "failed" for r in results)
        done = len(results) - failed
        self.status.setText(
            tr("Done: {done} indexed or unchanged, {failed} failed.").format(done=done, failed=failed)
        )
        self.ingest_finished.emit(results)

    @Slot()
    def _ingest_cancelled(self) -> None:
        self.status.setText(tr("Indexing cancelled; finished files were kept."))

    @Slot()
    def _ingest_done(self) -> None:
        self._ingest = None
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        self.refresh()

    @Slot()
    def cancel(self) -> None:
        if self._ingest is not None:
            self._ingest.cancel()
            self.status.setText(tr("Cancelling…"))

    def shutdown(self) -> None:
        """Cancel every job this panel started (call when the window closes)."""
        jobs.cancel_all(self)
        jobs.wait(5000)

    # watched folders ---------------------------------------------------------------------------

    def _resume_watches(self) -> None:
        from app.docs.watch import watched

        folders = watched()
        for folder, library in folders.items():
            self._start_watch(folder, library)
        self._fill_watch_menu(folders)

    def watch_folder(self, folder: str, library: str | None = None) -> jobs.Job:
        """Keep ``folder`` indexed into ``library`` (the current one by default), now and after restarts."""
        from app.docs.watch import set_watched

        folder = str(Path(folder).expanduser().resolve())
        library = library or self.library
        folders = set_watched(folder, library)
        old = self._watchers.pop(folder, None)
        if old is not None:
            old.cancel()
        job = self._start_watch(folder, library)
        self._fill_watch_menu(folders)
        self.status.setText(
            tr("Watching {folder} for library '{library}'.").format(folder=folder, library=library)
        )
        return job

    def unwatch_folder(self, folder: str) -> None:
        from app.docs.watch import set_watched

        folders = set_watched(folder, None)
        job = self._watchers.pop(folder, None)
        if job is not None:
            job.cancel()
        self._fill_watch_menu(folders)
        self.status.setText(
            tr("Stopped watching {folder}; its documents stay in the library.").format(folder=folder)
        )

    def _start_watch(self, folder: str, library: str) -> jobs.Job:
        cfg = self.settings

        def work(cancel: CancelToken) -> Any:
            from app.docs.watch import watch

            # no interval: the watch reads cfg.watch_interval_s (the window's, shared) at each wait
            yield from watch(folder, library, index=_index(cfg.chroma_url), settings=cfg, cancel=cancel)

        progress = partial(self._watch_progress, library)
        job = jobs.run(
            work, self, tr("watching {folder}").format(folder=folder), kind="long", on_progress=progress
        )
        self._watchers[folder] = job
        return job

    def _watch_progress(self, library: str, p: Any) -> None:
        if p.result is None:
            return
        r = p.result
        name = Path(r.path).name
        if library == self.library and not self.busy():
            if r.status == "removed":
                self.model.remove_path(r.path)
            else:
                self._show_result(r)
        if r.status != "unchanged":
            text = tr("Watched folder: {name} {status} in library '{library}'.")
            self.status.setText(text.format(name=name, status=r.label, library=library))
        if r.status in ("indexed", "removed") and library not in self.libraries:
            self.refresh()

    def _fill_watch_menu(self, folders: dict[str, str]) -> None:
        self.watch_menu.clear()
        self.watch_menu.addAction(tr("Watch a folder…"), self._choose_watch_folder)
        if folders:
            self.watch_menu.addSeparator()
        for folder, library in sorted(folders.items()):
            label = tr("Stop watching {folder} ({library})").format(folder=folder, library=library)
            self.watch_menu.addAction(label, partial(self.unwatch_folder, folder))
        if folders:
            self.watch_button.setText(tr("Watched folders ({count})").format(count=len(folders)))
        else:
            self.watch_button.setText(tr("Watched folders"))

    # removing / opening ------------------------------------------------------------------------

    @Slot()
    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        paths = [self.model.path_at(r) for r in rows]
        if not paths or self.busy():
            return
        url, library = self.settings.chroma_url, self.library

        def work(cancel: CancelToken) -> list[str]:
            index = _index(url)
            for p in paths:
                index.remove(library, p)
            return paths

        jobs.run(work, self, tr("removing documents"), on_result=self._removed)

    @Slot(object)
    def _removed(self, paths: list[str]) -> None:
        for p in paths:
            self.model.remove_path(p)
        self.status.setText(tr("Removed {count} document(s).").format(count=len(paths)))
        self.refresh()

    @Slot(QModelIndex)
    def _open_row(self, index: QModelIndex) -> None:
        from ui.doc_viewer import open_source

        row = self.model.rows()[index.row()]
        if row.status != "complete":  # QtPdf opens only what the time-bounded worker could read
            text = tr("{name} is not indexed: {reason}")
            bridge().show_info(text.format(name=Path(row.path).name, reason=row.error or row.status_text))
            return
        kind = readers.reader_for(Path(row.path))
        source = {"path": row.path, "page": 1, "kind": kind.kind if kind else ""}
        open_source(source, chroma_url=self.settings.chroma_url)

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, tr("Add documents"), "", readers.dialog_filter())
        self.add_paths(files)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Add a folder of documents"))
        if folder:
            self.add_paths([folder])

    def _choose_watch_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Keep a folder of documents indexed"))
        if folder:
            self.watch_folder(folder)

    # drag and drop -----------------------------------------------------------------------------

    @staticmethod
    def dropped_paths(event: QDropEvent | QDragEnterEvent) -> list[str]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        out = []
        for url in urls:
            if url.isLocalFile():
                p = Path(url.toLocalFile())
                if p.is_dir() or readers.supported(p):
                    out.append(str(p))
        return out

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self.dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)
