"""Settings: one dialog, a page per section (see ``ui.settings_pages``), for everything that used to
be hand-edited JSON. It edits copies; the main window saves and applies what comes back
(:class:`Edited`): the settings, the loaded model file's own settings and the Hugging Face token.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from app import per_model
from app.chat.prompt_cache import PromptCache
from app.i18n import tr
from app.settings import ChatSettings, Preset, Settings
from ui.settings_pages import (
    AppearancePage,
    ChatPage,
    DocumentsPage,
    LibraryPage,
    ModelPage,
    PresetsPage,
    ServersPage,
)

RELOAD_FIELDS = ("n_ctx", "n_threads", "n_gpu_layers", "kv_type", "flash_attn", "chat_template")


@dataclass
class Edited:
    settings: Settings
    model: Path | None  # the model file the overrides belong to
    overrides: per_model.ModelOverrides
    hf_token: str | None  # a new token, "" to forget the saved one, None: unchanged
    preset_used: Preset | None = None  # applied to the chat in this dialog: its system prompt too


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        gpu_offload: bool = False,
        prompt_cache: PromptCache | None = None,
        model: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self._settings = settings
        self.model = model
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(tr("Settings sections"))
        self.chat = ChatPage(settings.chat, gpu_offload, prompt_cache)
        overrides = per_model.get(model) if model is not None else per_model.ModelOverrides()
        self.model_page = ModelPage(model, overrides, settings.chat, gpu_offload)
        self.presets = PresetsPage(settings.preset_list(), self.chat, settings.chat.preset)
        self.documents = DocumentsPage(settings.docs)
        self.library = LibraryPage(settings.models)
        self.servers = ServersPage(settings.remote, settings.api)
        self.appearance = AppearancePage(settings.appearance)
        for page, title in (
            (self.chat, tr("Chat")), (self.model_page, tr("Model")), (self.presets, tr("Presets")),
            (self.documents, tr("Documents")), (self.library, tr("Models")),
            (self.appearance, tr("Appearance")),
        ):  # fmt: skip
            self.tabs.addTab(page, title)
        self.tabs.insertTab(self.tabs.indexOf(self.appearance), self.servers, tr("Servers"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def result_settings(self) -> Edited:
        new = copy.deepcopy(self._settings)
        new.chat = self.chat.values()
        new.set_presets(self.presets.values())
        new.docs = self.documents.values()
        new.models = self.library.values()
        new.remote, new.api = self.servers.values()
        new.appearance = self.appearance.values()
        return Edited(new, self.model, self.model_page.values(), self.library.token_change(), self.chat.used)

    @staticmethod
    def needs_reload(old: ChatSettings, new: ChatSettings) -> bool:
        """Whether the model must be loaded again: ``old`` and ``new`` are what it loads with (the chat
        settings with its own over them)."""
        return any(getattr(old, f) != getattr(new, f) for f in RELOAD_FIELDS)
