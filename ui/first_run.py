"""The first screen of an empty chat: what model is running, and the best one for this machine.

``WelcomePanel(models_page)`` plans the curated catalog for this machine off the GUI thread (memory
at the chosen context, predicted speed from the measured bandwidth) and offers the first pick with
its download size, memory and speed, and a Download button that starts the Models page's download.
While the tiny starter is loaded it says so: its answers are a demonstration, not a helper.
``set_model(path)`` tells it which model is loaded; the window shows it while a chat is empty.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.cancel import CancelToken
from app.errors import HearthError
from app.i18n import tr, tr_noop
from app.models import bundled, catalog, fit
from app.models.hub import RemoteFile
from ui import jobs
from ui.models_models import gb
from ui.models_page import ModelsPage

STARTER_NOTE = tr_noop(
    "You are chatting with <b>SmolLM2-135M</b>, a tiny demo model that ships with Hearth so that it works "
    "offline from the first minute. Its answers are often wrong: download a real model below."
)


class WelcomePanel(QFrame):
    download_requested = Signal(object)  # the catalog.Pick being downloaded

    def __init__(self, models_page: ModelsPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.models_page = models_page
        self.pick: catalog.Pick | None = None
        self.model_note = QLabel(tr(STARTER_NOTE))
        self.model_note.setWordWrap(True)
        self.model_note.setObjectName("starterNote")
        self.title = QLabel(tr("<b>Recommended for this machine</b>"))
        self.offer = QLabel(tr("Checking what runs well here…"))
        self.offer.setWordWrap(True)
        self.offer.setTextFormat(Qt.TextFormat.RichText)
        self.download_button = QPushButton(tr("Download"))
        self.download_button.setEnabled(False)
        self.download_button.clicked.connect(self.download)
        self.more_button = QPushButton(tr("More models…"))
        self.more_button.clicked.connect(self._show_models)
        row = QHBoxLayout()
        row.addWidget(self.download_button)
        row.addWidget(self.more_button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.model_note)
        lay.addWidget(self.title)
        lay.addWidget(self.offer)
        lay.addLayout(row)
        self.pick_job = self.refresh()

    def set_model(self, model: str) -> None:
        """``model``: the loaded model (``"starter"`` or a path)."""
        starter = model == bundled.STARTER
        if not starter:
            try:
                starter = Path(model) == bundled.starter_model_path()
            except HearthError:  # no starter installed: the loaded model is not it
                starter = False
        self.model_note.setVisible(starter)

    def refresh(self) -> jobs.Job:
        n_ctx = self.models_page.n_ctx

        def work(cancel: CancelToken) -> catalog.Pick | None:
            machine = fit.Machine.current()
            picks = catalog.recommend(machine, n_ctx)
            return picks[0] if picks else None

        return jobs.run(work, self, tr("recommending a model"), key="pick", on_result=self._show,
                        on_failed=self._failed)  # fmt: skip

    def _show(self, pick: catalog.Pick | None) -> None:
        self.pick = pick
        if pick is None:
            self.offer.setText(tr("None of the curated models fits in the memory this machine has free."))
            self.download_button.setEnabled(False)
        else:
            e, rep = pick.entry, pick.report
            tps = rep.predicted_tokens_per_s
            speed = tr("about {rate} tokens/s here").format(rate=f"{tps:.0f}") if tps else tr("speed unknown")
            offer = tr(
                "<b>{name}</b> ({quant}) — download {size}, needs {memory} of memory at {n_ctx} tokens of "
                "context, {speed} (predicted from this machine's measured memory bandwidth; sizes "
                "approximate until the file is read)."
            ).format(name=e.name, quant=e.quant, size=gb(e.size_gb * 1e9), memory=gb(rep.ram_bytes),
                     n_ctx=f"{rep.n_ctx:,}", speed=speed)  # fmt: skip
            html = f"{offer}<br><span style='color:gray'>{e.repo} / {e.file}</span>"  # repo and file: names
            self.offer.setText(html)
            self.download_button.setText(
                tr("Download {name} ({size})").format(name=e.name, size=gb(e.size_gb * 1e9))
            )
            self.download_button.setEnabled(True)

    def _failed(self, text: str) -> None:
        self.offer.setText(tr("Could not plan the catalog for this machine: {reason}").format(reason=text))

    def download(self) -> jobs.Job | None:
        """Start the pick's download in the Models page (which shows its progress)."""
        if self.pick is None:
            return None
        pick = self.pick
        repo, file = pick.entry.repo, pick.entry.file

        def work(cancel: CancelToken) -> RemoteFile:
            from app.models import download

            return download.find_remote(repo, file)

        def found(remote: RemoteFile) -> None:
            self.models_page.download(remote)
            self.download_requested.emit(pick)

        return jobs.run(work, self, tr("looking up a model"), on_result=found)

    def _show_models(self) -> None:
        self.download_requested.emit(None)

    def shutdown(self) -> None:
        jobs.cancel_all(self)
