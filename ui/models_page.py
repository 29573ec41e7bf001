"""The Models page: what runs on this machine, Hub search with per-file memory fit, downloads, library.

Self-contained widget for the main window's tab bar: ``ModelsPage(config=None, parent=None)``
(config: the window's ModelSettings, read from disk when absent), the signal
``load_requested(path)`` when the user picks an installed model to chat with, and ``shutdown()``
(cancels running jobs; a running download keeps its partial file and resumes next time). Every Hub
request, header read, hash and file copy runs in ui.jobs (listings and searches on the interactive
pool, downloads and copies on the long one); a newer search or listing drops a slower older
answer. Actions that start work return their job; slots only paint.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import settings
from app.cancel import CancelToken
from app.errors import HearthError
from app.i18n import tr
from app.models import fit
from app.models.catalog import Pick
from app.models.hub import FilePlan, RemoteFile
from ui import jobs, messages
from ui.models_downloads import DownloadsPanel
from ui.models_models import (
    DownloadRow,
    FilesModel,
    InstalledModel,
    InstalledRow,
    RecommendedModel,
    SearchModel,
)
from ui.models_widgets import buttons, selected, table


class ModelsPage(QWidget):
    load_requested = Signal(str)

    def __init__(self, config: settings.ModelSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config or settings.load().models  # the window's own, shared
        self.n_ctx = self.config.fit_ctx
        self.installed = InstalledModel(self)
        self.recommended = RecommendedModel(self)
        self.results = SearchModel(self)
        self.files = FilesModel(self)
        self.downloads_panel = DownloadsPanel(self.config, self)
        self.downloads_panel.installed.connect(self._downloaded)
        self.downloads = self.downloads_panel.model
        self.confirm: Callable[[str], bool] = self._ask
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self.hub_job: jobs.Job | None = None  # the Hub's popular repos being ranked into Recommended
        self._build()
        self._filled = False

    def showEvent(self, event: QShowEvent) -> None:
        """Fill the lists the first time the page is shown: an unopened tab costs no start-up work."""
        super().showEvent(event)
        if not self._filled:
            self._filled = True
            self.refresh_installed()
            self.refresh_recommended()
            self.downloads_panel.restore_pending()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Context for memory estimates:")))
        self.ctx_box = QSpinBox()
        self.ctx_box.setAccessibleName(tr("Context for memory estimates"))
        self.ctx_box.setRange(256, 1_048_576)
        self.ctx_box.setSingleStep(1024)
        self.ctx_box.setValue(self.n_ctx)
        self.ctx_box.setSuffix(tr(" tokens"))
        self.ctx_box.editingFinished.connect(self._ctx_changed)
        top.addWidget(self.ctx_box)
        top.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._recommended_tab(), tr("Recommended"))  # first: what a new user needs
        self.tabs.addTab(self._installed_tab(), tr("Installed"))
        self.tabs.addTab(self._search_tab(), tr("Search the Hub"))
        self.tabs.addTab(self.downloads_panel, tr("Downloads"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)

    def _installed_tab(self) -> QWidget:
        w = QWidget()
        self.installed_view = table(self.installed, tr("Installed models"))
        self.installed_view.doubleClicked.connect(lambda _i: self.load_selected())
        row = buttons((tr("Load"), self.load_selected), (tr("Delete"), self.delete_selected),
                      (tr("Open folder"), self.open_folder), (tr("Import…"), self.import_dialog),
                      (tr("Refresh"), self.refresh_installed))  # fmt: skip
        lay = QVBoxLayout(w)
        lay.addWidget(self.installed_view)
        lay.addLayout(row)
        return w

    def _recommended_tab(self) -> QWidget:
        w = QWidget()
        self.ram_label = QLabel("")
        self.ram_label.setWordWrap(True)
        self.hub_note = QLabel("")
        self.recommended_view = table(self.recommended, tr("Recommended models"))
        self.recommended_view.doubleClicked.connect(lambda _i: self.download_recommended())
        row = buttons(
            (tr("Download"), self.download_recommended),
            (tr("Show all files"), self.files_of_recommended),
            (tr("Add the Hub's most downloaded"), self.rank_hub),
        )
        lay = QVBoxLayout(w)
        lay.addWidget(self.ram_label)
        lay.addWidget(self.recommended_view)
        lay.addWidget(self.hub_note)
        lay.addLayout(row)
        return w

    def _search_tab(self) -> QWidget:
        w = QWidget()
        self.query = QLineEdit()
        self.query.setAccessibleName(tr("Search the Hub"))
        self.query.setPlaceholderText(tr("Search GGUF models on the Hugging Face Hub, e.g. qwen2.5 instruct"))
        self.query.returnPressed.connect(lambda: self.search(self.query.text()))
        go = QPushButton(tr("Search"))
        go.clicked.connect(lambda: self.search(self.query.text()))
        bar = QHBoxLayout()
        bar.addWidget(self.query)
        bar.addWidget(go)
        self.results_view = table(self.results, tr("Hub search results"))
        self.results_view.selectionModel().currentRowChanged.connect(self._result_chosen)
        self.files_view = table(self.files, tr("Files of the selected repository"))
        self.files_label = QLabel(tr("Pick a repo to see its files and whether they fit."))
        split = QSplitter()
        split.addWidget(self.results_view)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.files_label)
        rl.addWidget(self.files_view)
        row = buttons((tr("Download"), self.download_selected_file))
        rl.addLayout(row)
        split.addWidget(right)
        lay = QVBoxLayout(w)
        lay.addLayout(bar)
        lay.addWidget(split)
        return w

    # -- jobs -----------------------------------------------------------------------------------
    def _run(self, fn: Callable[[CancelToken], Any], name: str, **options: Any) -> jobs.Job:
        return jobs.run(fn, self, name, **options)

    def shutdown(self) -> None:
        """Cancel every job of this page (downloads keep their partial files)."""
        jobs.cancel_all(self)
        self.downloads_panel.shutdown()

    def set_fit_context(self, n_ctx: int) -> None:
        """Judge what fits at ``n_ctx`` tokens of context (Settings → Models changed it)."""
        self.ctx_box.setValue(n_ctx)
        self._ctx_changed()

    def _ctx_changed(self) -> None:
        if self.ctx_box.value() != self.n_ctx:
            self.n_ctx = self.ctx_box.value()
            self.refresh_installed()
            self.refresh_recommended()
            if self.files.rows:
                self.show_files(self.files.rows[0].remote.repo_id)

    # -- installed ------------------------------------------------------------------------------
    def refresh_installed(self) -> jobs.Job:
        n_ctx = self.n_ctx

        def work(cancel: CancelToken) -> list[InstalledRow]:
            from app.models import fit, library

            machine = fit.Machine.current()
            return [InstalledRow(m, m.fit(n_ctx, machine)) for m in library.installed()]

        return self._run(
            work, tr("listing installed models"), key="installed", on_result=self.installed.set_rows
        )

    def load_selected(self) -> None:
        row = selected(self.installed_view)
        if row is not None:
            self.load_requested.emit(str(row.model.path))

    def delete_selected(self) -> jobs.Job | None:
        row = selected(self.installed_view)
        if row is None or not self.confirm(
            tr("Delete {name} ({size} GB)?").format(name=row.model.name, size=f"{row.model.size / 1e9:.2f}")
        ):
            return None
        name = str(row.model.path)

        def work(cancel: CancelToken) -> Path:
            from app.models import library

            return library.remove(name)

        return self._run(work, tr("deleting a model"), on_result=lambda _p: self.refresh_installed())

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, tr("Models"), text)
        return bool(answer == QMessageBox.StandardButton.Yes)

    def open_folder(self) -> None:
        from app.models import library

        self.open_url(QUrl.fromLocalFile(str(library.folder())))

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Import a GGUF model"), "", tr("GGUF models (*.gguf)"))
        if path:
            keep = self.confirm(tr("Copy the file into Hearth's model folder? (No = use it where it is)"))
            self.import_path(Path(path), copy=keep)

    def import_path(self, path: Path, copy: bool = True) -> jobs.Job:
        def work(cancel: CancelToken) -> Any:
            from app.models import library

            return library.import_file(path, copy=copy, cancel=cancel)

        shown = [-1]

        def progress(p: tuple[int, int]) -> None:
            percent = p[0] * 100 // max(p[1], 1)
            if percent != shown[0]:  # one status message per percent, not per block copied
                shown[0] = percent
                messages.bridge().show_info(
                    tr("Copying {name} into the library: {percent} %").format(name=path.name, percent=percent)
                )

        def done(result: Any) -> None:
            messages.bridge().show_info(tr("Imported {name}").format(name=Path(result).name))
            self.refresh_installed()

        return self._run(work, tr("importing a model"), kind="long", on_progress=progress, on_result=done)

    # -- recommended ----------------------------------------------------------------------------
    def refresh_recommended(self) -> jobs.Job:
        """The curated catalog planned for this machine (no network); then, in a second job, the Hub's
        most downloaded GGUF chat repos ranked in by the same plan and speed, if the user turned
        ``models.hub_recommendations`` on (off by default: opening a tab is not asking the Hub)."""
        n_ctx = self.n_ctx

        def work(cancel: CancelToken) -> tuple[fit.Machine, list[Pick]]:
            from app.models import catalog

            machine = fit.Machine.current()
            return machine, catalog.recommend(machine, n_ctx)

        def done(result: tuple[fit.Machine, list[Pick]]) -> None:
            machine, picks = result
            ram = machine.available_ram / 1e9
            self.ram_label.setText(
                tr(
                    "Best first for this machine ({ram} GB of RAM available, {n_ctx} tokens of context); "
                    "speeds are predicted from this machine's measured memory bandwidth:"
                ).format(ram=f"{ram:.0f}", n_ctx=n_ctx)
            )
            self.tabs.setTabText(
                0, tr("Recommended for your {ram} GB").format(ram=f"{machine.total_ram / 1e9:.0f}")
            )
            self.recommended.set_rows(picks)
            if self.config.hub_recommendations:
                self.rank_hub()

        return self._run(work, tr("loading the model catalog"), key="recommended", on_result=done)

    def rank_hub(self) -> jobs.Job:
        """Rank the Hub's most downloaded GGUF chat repos in (``hub_job``); a Hub that does not
        answer is said on the page, not in an error message."""
        n_ctx = self.n_ctx
        self.hub_note.setText(tr("Asking the Hub for its most downloaded GGUF models…"))

        def work(cancel: CancelToken) -> tuple[list[Pick], str]:
            from app.models import catalog

            try:  # every pick fits (hub.popular leaves out what does not)
                return catalog.hub_picks(n_ctx, fit.Machine.current()), ""
            except HearthError as exc:
                return [], str(exc)

        def done(result: tuple[list[Pick], str]) -> None:
            from app.models import catalog

            extra, problem = result
            if problem:
                self.hub_note.setText(tr("Curated models only: {problem}").format(problem=problem))
                return
            curated = [p for p in self.recommended.rows if p.entry.source == "curated"]
            self.recommended.set_rows(sorted([*curated, *extra], key=catalog.rank_key))
            self.hub_note.setText(
                tr("Including {count} of the Hub's most downloaded GGUF models.").format(count=len(extra))
            )

        self.hub_job = self._run(
            work, tr("ranking the Hub's popular models"), key="hub-recommended", on_result=done
        )
        return self.hub_job

    def download_recommended(self) -> None:
        pick = selected(self.recommended_view)
        if pick is None:
            return
        repo, file = pick.entry.repo, pick.entry.file

        def work(cancel: CancelToken) -> RemoteFile:
            from app.models import download

            return download.find_remote(repo, file)

        self._run(work, tr("looking up a model"), on_result=self.download)

    def files_of_recommended(self) -> None:
        pick = selected(self.recommended_view)
        if pick is not None:
            self.tabs.setCurrentIndex(2)
            self.show_files(pick.entry.repo)

    # -- search and files -----------------------------------------------------------------------
    def search(self, query: str) -> jobs.Job:
        limit = self.config.search_limit

        def work(cancel: CancelToken) -> Any:
            from app.models import hub

            return hub.search(query.strip(), limit=limit)

        def done(results: Any) -> None:
            self.results.set_rows(results)
            if not results:
                messages.bridge().show_info(tr("No GGUF models found for “{query}”.").format(query=query))

        return self._run(work, tr("searching the Hub"), key="search", on_result=done)

    def _result_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.results.row_at(current)
        if row is not None:
            self.show_files(row.repo_id)

    def show_files(self, repo_id: str) -> jobs.Job:
        n_ctx = self.n_ctx
        self.files_label.setText(tr("Reading {repo} …").format(repo=repo_id))

        def work(cancel: CancelToken) -> tuple[list[FilePlan], int]:
            from app.models import hub

            return hub.plan_files(repo_id, n_ctx)

        def done(result: tuple[list[FilePlan], int]) -> None:
            plans, fetched = result
            self.files.set_rows(plans)
            text = tr(
                "{repo}: {count} GGUF files at {n_ctx} tokens (read {size} MB of headers; ★ = best that fits)"
            )
            size = f"{fetched / 1e6:.1f}"
            self.files_label.setText(text.format(repo=repo_id, count=len(plans), n_ctx=n_ctx, size=size))

        def failed(text: str) -> None:
            self.files_label.setText(text)

        return self._run(work, tr("reading model files"), key="files", on_result=done, on_failed=failed)

    def download_selected_file(self) -> None:
        plan = selected(self.files_view)
        if plan is not None:
            self.download(plan.remote)

    # -- downloads (the queue lives in ui.models_downloads) ------------------------------------
    def download(self, remote: RemoteFile) -> DownloadRow:
        self.tabs.setCurrentIndex(3)
        return self.downloads_panel.download(remote)

    def pause(self, row: DownloadRow) -> None:
        self.downloads_panel.pause(row)

    def resume(self, row: DownloadRow) -> None:
        self.downloads_panel.resume(row)

    def cancel(self, row: DownloadRow) -> None:
        self.downloads_panel.cancel(row)

    def _downloaded(self, path: str) -> None:
        messages.bridge().show_info(tr("Downloaded {name}").format(name=Path(path).name))
        self.refresh_installed()
