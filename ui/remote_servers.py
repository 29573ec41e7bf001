"""Remote servers: the Models page's list of OpenAI-compatible servers, and the chat's engine menu.

:class:`RemoteServersPanel` adds (name, address, API key, context length when the server does not
say it), tests (``GET /v1/models`` and the context length, off the GUI thread) and removes saved
servers; the key goes to the OS keyring, the rest to ``settings.json`` (``app.chat.servers``).
:class:`EnginePicker` is the chat's "who answers" menu: the local model or a remote server's model.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import settings
from app.cancel import CancelToken
from app.chat import servers
from app.chat.remote import RemoteEngine
from app.chat.servers import RemoteServer
from app.errors import HearthError
from app.i18n import tr
from ui import jobs, messages
from ui.models_widgets import buttons


def probe(server: RemoteServer, config: settings.RemoteSettings, api_key: str | None = None) -> RemoteServer:
    """Connect to ``server`` (worker thread): the server with the models it offers now, or HearthError."""
    engine = RemoteEngine(server, config, api_key=api_key)
    try:
        engine.ready()
    finally:
        engine.unload()
    return dataclasses.replace(server, models=tuple(engine.models))


class AddServerDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add a remote server"))
        self.name = QLineEdit(placeholderText=tr("e.g. gpu-box"))
        self.url = QLineEdit(
            placeholderText=tr("e.g. http://192.168.1.20:8080 (llama-server, vLLM, Ollama…)")
        )
        self.key = QLineEdit(placeholderText=tr("optional; kept in the system keyring"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.n_ctx = QSpinBox()
        self.n_ctx.setRange(0, 1_048_576)
        self.n_ctx.setSingleStep(1024)
        self.n_ctx.setSpecialValueText(tr("ask the server (else the default)"))
        form = QFormLayout(self)
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Address"), self.url)
        form.addRow(tr("API key"), self.key)
        form.addRow(tr("Context length"), self.n_ctx)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)

    def server(self) -> RemoteServer:
        """The server as typed (HearthError on a bad address)."""
        name = self.name.text().strip()
        url = servers.normalize_url(self.url.text())
        return RemoteServer(name or url, url, n_ctx=self.n_ctx.value())


class RemoteServersPanel(QWidget):
    """Saved servers: add, test connection, remove. ``changed`` after any edit (settings saved)."""

    changed = Signal()
    tested = Signal(str)  # the outcome in words (tests wait on it)

    def __init__(self, config: settings.Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config  # the window's own settings, saved here on every change
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Saved servers"))
        self.status = QLabel(tr("Generation on another machine: any OpenAI-compatible server."))
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list)
        lay.addWidget(self.status)
        lay.addLayout(buttons((tr("Add…"), self.add_dialog), (tr("Test connection"), self.test_selected),
                              (tr("Remove"), self.remove_selected)))  # fmt: skip
        self.refresh()

    def saved(self) -> list[RemoteServer]:
        return servers.saved(self.config.remote)

    def refresh(self) -> None:
        self.list.clear()
        for s in self.saved():
            models = ", ".join(s.models) if s.models else tr("models not listed yet")
            self.list.addItem(f"{s.name} — {s.url} — {models}")
        if self.list.count():
            self.list.setCurrentRow(0)

    def _selected(self) -> RemoteServer | None:
        row = self.list.currentRow()
        saved = self.saved()
        return saved[row] if 0 <= row < len(saved) else None

    def add_dialog(self) -> None:
        dialog = AddServerDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.add(dialog.server(), dialog.key.text().strip())
            except HearthError as exc:
                messages.bridge().show_error(str(exc))

    def add(self, server: RemoteServer, api_key: str = "") -> None:
        """Save ``server`` (its key in the keyring), then test it."""
        servers.save(self.config.remote, server, api_key=api_key or None)
        settings.save(self.config)
        self.refresh()
        self.list.setCurrentRow(self.list.count() - 1)
        self.changed.emit()
        self.test_selected()

    def test_selected(self) -> None:
        server = self._selected()
        if server is None:
            return
        self.status.setText(tr("Connecting to {name}…").format(name=server.name))
        remote = self.config.remote

        def work(_cancel: CancelToken) -> RemoteServer:
            return probe(server, remote)

        name = tr("Testing {name}").format(name=server.name)
        jobs.run(work, self, name, key="test", on_result=self._tested,
                 on_failed=lambda text: self._report(f"{server.name}: {text}"))  # fmt: skip

    def _tested(self, server: RemoteServer) -> None:
        if any(s.name == server.name for s in self.saved()):  # not removed meanwhile
            servers.save(self.config.remote, server)
            settings.save(self.config)
            self.refresh()
            self.changed.emit()
        offered = ", ".join(server.models) or tr("no models")
        self._report(tr("{name}: connected; it offers {models}.").format(name=server.name, models=offered))

    def _report(self, text: str) -> None:
        self.status.setText(text)
        self.tested.emit(text)

    def remove_selected(self) -> None:
        server = self._selected()
        if server is not None:
            servers.remove(self.config.remote, server.name)
            settings.save(self.config)
            self.refresh()
            self.changed.emit()

    def shutdown(self) -> None:
        jobs.cancel_all(self)


class EnginePicker(QComboBox):
    """Who answers this chat: the local model, or a model on a saved remote server."""

    picked = Signal(str)  # the conversation's engine field: '' = the local model (app.chat.servers)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enginePicker")
        self.setToolTip(tr("Answer this chat with the local model or a model on a remote server"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.activated.connect(lambda i: self.picked.emit(self.itemData(i)))

    def fill(self, saved: list[RemoteServer], current: str) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItem(tr("Local model"), "")
        for s in saved:
            for model in s.models or (s.model,):
                label = f"{s.name} · {model}" if model else tr("{name} (its model)").format(name=s.name)
                self.addItem(label, servers.engine_text((s.name, model)))
        self.show_choice(current)
        self.blockSignals(False)

    def show_choice(self, engine: str) -> None:
        key = servers.engine_key(engine)
        index = self.findData(servers.engine_text(key))
        if index < 0 and key is not None:  # a server since removed, or a model it no longer lists
            model = key[1] or tr("its model")
            self.addItem(tr("{name} · {model} (not available)").format(name=key[0], model=model), engine)
            index = self.count() - 1
        self.setCurrentIndex(max(0, index))
