"""The pages of the settings dialog, one per section: each shows its part of the settings and gives
back an edited copy (``values()``); none saves or applies anything (the main window does).

Chat: sampling, the system prompt of new chats, how models load, the prompt cache budget. Model: the
current model file's own values over those (``app.per_model``), its chat template among them.
Presets: named system prompt + sampling. Documents (retrieval, the embedding model, and reading,
budgets and polling under Advanced), Models (download folder, Hugging Face token in the OS keyring,
proxy, Hub search), Servers (remote servers' timeouts, the local API's queue and CORS) and Appearance
(colour scheme, font size).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, overload

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import per_model, secrets
from app.chat.prompt_cache import PromptCache
from app.i18n import tr, tr_noop
from app.models import hub
from app.settings import (
    COLOR_SCHEMES,
    GPU_LAYERS_AUTO,
    KV_TYPES,
    ApiSettings,
    AppearanceSettings,
    ChatSettings,
    DocsSettings,
    ModelSettings,
    Preset,
    RemoteSettings,
)
from ui import i18n

# field: (label, minimum, maximum, step)
FLOATS = {
    "temperature": (tr_noop("Temperature"), 0.0, 2.0, 0.05),
    "top_p": (tr_noop("Top-p"), 0.0, 1.0, 0.01),
    "min_p": (tr_noop("Min-p"), 0.0, 1.0, 0.01),
    "repeat_penalty": (tr_noop("Repeat penalty"), 0.5, 2.0, 0.01),
}
# field: (label, minimum, maximum)
INTS = {
    "top_k": (tr_noop("Top-k (0 = off)"), 0, 1000),
    "max_tokens": (tr_noop("Max reply tokens"), 1, 32768),
    "seed": (tr_noop("Seed (-1 = random)"), -1, 2**31 - 1),
    "n_ctx": (tr_noop("Context length"), 256, 262144),
    "n_threads": (tr_noop("Threads (0 = auto)"), 0, 256),
    "n_gpu_layers": (tr_noop("GPU layers (-1 = all)"), GPU_LAYERS_AUTO, 999),
    "prompt_cache_mb": (tr_noop("Saved conversations (MB on disk)"), 0, 1_000_000),
}
FA_NEEDED = tr_noop("A quantized KV cache needs flash attention (llama.cpp cannot quantize V without it).")
SCHEME_TEXT = {"system": tr_noop("Follow the system"), "light": tr_noop("Light"), "dark": tr_noop("Dark")}
BUNDLED_EMBEDDER = DocsSettings.embedding_model  # "bundled": the embedding model that comes with Hearth


@overload
def spin_box(
    value: int, lo: int, hi: int, name: str, step: int = 1, decimals: int = 0, suffix: str = ""
) -> QSpinBox: ...


@overload
def spin_box(
    value: float, lo: float, hi: float, name: str, step: float = 1, decimals: int = 0, suffix: str = ""
) -> QDoubleSpinBox: ...


def spin_box(value: float, lo: float, hi: float, name: str, step: float = 1, decimals: int = 0,
             suffix: str = "") -> QSpinBox | QDoubleSpinBox:  # fmt: skip
    """A spin box from ``lo`` to ``hi`` showing ``value``, named ``name`` for screen readers: for a
    float setting a QDoubleSpinBox with ``decimals`` (its value stays a float), else a QSpinBox."""
    box: QSpinBox | QDoubleSpinBox
    if isinstance(value, float):
        box = QDoubleSpinBox()
        box.setDecimals(decimals)
    else:
        box = QSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setValue(value)
    box.setAccessibleName(name)
    return box


def number_box(name: str, value: float) -> QSpinBox | QDoubleSpinBox:
    """A spin box for the chat setting ``name`` (see FLOATS and INTS) showing ``value``."""
    box: QSpinBox | QDoubleSpinBox
    if name in FLOATS:
        _, lo, hi, step = FLOATS[name]
        box = QDoubleSpinBox()
        box.setRange(lo, hi)
        box.setSingleStep(step)
        box.setDecimals(2)
    else:
        _, ilo, ihi = INTS[name]
        box = QSpinBox()
        box.setRange(ilo, ihi)
        if name == "n_gpu_layers":
            box.setSpecialValueText(tr("Auto (what fits in free VRAM)"))
    box.setValue(value)  # type: ignore[arg-type]
    box.setAccessibleName(label_of(name))
    return box


def wrapped(text: str = "") -> QLabel:
    """A label whose text wraps to the page's width (notes, explanations)."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def folder_row(edit: QLineEdit, browse_name: str, title: str) -> QHBoxLayout:
    """``edit`` for a folder's path with a Browse… button that picks one (named ``browse_name``)."""

    def browse() -> None:
        folder = QFileDialog.getExistingDirectory(edit, title, edit.text() or str(Path.home()))
        if folder:
            edit.setText(folder)

    button = QPushButton(tr("Browse…"))
    button.setAccessibleName(browse_name)
    button.clicked.connect(browse)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


def label_of(name: str) -> str:
    """The setting's label in the user's language."""
    return tr((FLOATS.get(name) or INTS[name])[0])


def kv_combo(value: str) -> QComboBox:
    combo = QComboBox()
    combo.addItems(list(KV_TYPES))
    combo.setCurrentText(value)
    combo.setToolTip(tr("q8_0 halves the KV cache's memory, q4_0 quarters it, at some loss of quality"))
    combo.setAccessibleName(tr("KV cache type"))
    return combo


class ChatPage(QWidget):
    SAMPLING = ("temperature", "top_p", "min_p", "repeat_penalty", "top_k", "max_tokens", "seed")
    LOADING = ("n_ctx", "n_threads", "n_gpu_layers")

    def __init__(self, chat: ChatSettings, gpu_offload: bool, prompt_cache: PromptCache | None) -> None:
        super().__init__()
        self._original = chat
        self._cache = prompt_cache
        self.used: Preset | None = None  # the preset put on this page last ("Use for chat")
        form = QFormLayout(self)
        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for name in (*self.SAMPLING, *self.LOADING, "prompt_cache_mb"):
            if name == "n_gpu_layers" and not gpu_offload:
                continue  # a CPU-only build of llama.cpp cannot offload: nothing to set
            self.fields[name] = number_box(name, getattr(chat, name))
            form.addRow(label_of(name), self.fields[name])
        self.system_prompt = QPlainTextEdit(chat.system_prompt)
        self.system_prompt.setAccessibleName(tr("System prompt of new chats"))
        self.system_prompt.setMaximumHeight(80)
        form.insertRow(len(self.SAMPLING), tr("System prompt of new chats"), self.system_prompt)
        self.kv_type = kv_combo(chat.kv_type)
        self.flash_attn = QCheckBox(tr("Flash attention"))
        self.flash_attn.setChecked(chat.flash_attn)
        self.fa_note = wrapped(tr(FA_NEEDED))
        form.addRow(tr("KV cache type"), self.kv_type)
        form.addRow("", self.flash_attn)
        form.addRow("", self.fa_note)
        self.kv_type.currentTextChanged.connect(self._kv_changed)
        self._kv_changed(self.kv_type.currentText())
        if prompt_cache is not None:
            self.cache_usage = QLabel()
            clear = QPushButton(tr("Clear"))
            clear.setToolTip(tr("Delete the saved conversation states (the next turn reads its chat again)"))
            clear.clicked.connect(self._clear_cache)
            row = QHBoxLayout()
            row.addWidget(self.cache_usage, 1)
            row.addWidget(clear)
            form.addRow("", row)
            self._show_usage()

    def _kv_changed(self, kv_type: str) -> None:
        quantized = kv_type != "f16"
        if quantized:
            self.flash_attn.setChecked(True)
        self.flash_attn.setEnabled(not quantized)
        self.fa_note.setVisible(quantized)

    def _show_usage(self) -> None:
        assert self._cache is not None
        self.cache_usage.setText(
            tr("In use: {size} MB").format(size=f"{self._cache.usage_bytes() / 2**20:,.0f}")
        )

    def _clear_cache(self) -> None:
        assert self._cache is not None
        self._cache.clear()
        self._show_usage()

    def show_preset(self, preset: Preset) -> None:
        """Put ``preset``'s system prompt and sampling in the fields."""
        self.system_prompt.setPlainText(preset.system_prompt)
        for name in self.SAMPLING:
            self.fields[name].setValue(getattr(preset.sampling, name))
        self._original = replace(self._original, preset=preset.name)
        self.used = preset

    def values(self) -> ChatSettings:
        values: dict[str, Any] = {name: box.value() for name, box in self.fields.items()}
        values["kv_type"] = self.kv_type.currentText()
        values["flash_attn"] = self.flash_attn.isChecked()
        values["system_prompt"] = self.system_prompt.toPlainText()
        return replace(self._original, **values)


class ModelPage(QWidget):
    """The current model file's own settings: each ticked row replaces the Chat page's value."""

    NUMBERS = ("n_ctx", "n_gpu_layers", *ChatPage.SAMPLING)

    def __init__(self, model: Path | None, overrides: per_model.ModelOverrides, chat: ChatSettings,
                 gpu_offload: bool) -> None:  # fmt: skip
        super().__init__()
        self.model = model
        form = QFormLayout(self)
        if model is None:
            form.addRow(QLabel(tr("No model file is loaded: load one to give it settings of its own.")))
            self.rows: dict[str, tuple[QCheckBox, QWidget]] = {}
            self.template = QPlainTextEdit()
            return
        title = wrapped(
            tr("Settings of {model} (ticked rows replace the Chat page's values)").format(model=model.name)
        )
        form.addRow(title)
        self.rows = {}
        for name in self.NUMBERS:
            if name == "n_gpu_layers" and not gpu_offload:
                continue
            own = getattr(overrides, name)
            box = number_box(name, getattr(chat, name) if own is None else own)
            self._row(form, name, label_of(name), box, own is not None)
        kv = kv_combo(overrides.kv_type or chat.kv_type)
        self._row(form, "kv_type", tr("KV cache type"), kv, overrides.kv_type is not None)
        fa = QCheckBox(tr("On", "switched on"))
        fa.setAccessibleName(tr("Flash attention"))
        fa.setChecked(chat.flash_attn if overrides.flash_attn is None else overrides.flash_attn)
        self._row(form, "flash_attn", tr("Flash attention"), fa, overrides.flash_attn is not None)
        kv.currentTextChanged.connect(self._kv_changed)
        self.rows["kv_type"][0].toggled.connect(lambda _on: self._kv_changed(kv.currentText()))
        self.template = QPlainTextEdit(overrides.chat_template or "")
        self.template.setPlaceholderText(tr("Empty: the chat template in the model file"))
        self.template.setAccessibleName(tr("Chat template (Jinja)"))
        form.addRow(tr("Chat template (Jinja)"), self.template)

    def _kv_changed(self, kv_type: str) -> None:
        """A quantized KV cache of this model's own needs flash attention: tick it on with it."""
        kv_tick, _ = self.rows["kv_type"]
        fa_tick, fa = self.rows["flash_attn"]
        if kv_tick.isChecked() and kv_type != "f16":
            fa_tick.setChecked(True)
            assert isinstance(fa, QCheckBox)
            fa.setChecked(True)

    def _row(self, form: QFormLayout, name: str, label: str, editor: QWidget, own: bool) -> None:
        tick = QCheckBox()
        tick.setAccessibleName(tr("Use this model's own {setting}").format(setting=label))
        tick.setToolTip(tr("Ticked: this model uses the value beside; unticked: the Chat page's"))
        tick.setChecked(own)
        editor.setEnabled(own)
        tick.toggled.connect(editor.setEnabled)
        row = QHBoxLayout()
        row.addWidget(tick)
        row.addWidget(editor, 1)
        form.addRow(label, row)
        self.rows[name] = (tick, editor)

    def values(self) -> per_model.ModelOverrides:
        values: dict[str, Any] = {}
        for name, (tick, editor) in self.rows.items():
            if not tick.isChecked():
                continue
            if isinstance(editor, QSpinBox | QDoubleSpinBox):
                values[name] = editor.value()
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentText()
            elif isinstance(editor, QCheckBox):
                values[name] = editor.isChecked()
        template = self.template.toPlainText()
        values["chat_template"] = template if template.strip() else None
        return per_model.ModelOverrides(**values)


class PresetsPage(QWidget):
    """Named system prompt + sampling: saved from the Chat page's values, put back there in one click."""

    def __init__(self, presets: list[Preset], chat_page: ChatPage, current: str) -> None:
        super().__init__()
        self.presets = {p.name: p for p in presets}
        self.chat_page = chat_page
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Presets"))
        self.summary = wrapped()
        self.name = QLineEdit(current, placeholderText=tr("Preset name"))
        self.name.setAccessibleName(tr("Preset name"))
        save = QPushButton(tr("Save the Chat page's values as this preset"))
        self.use = QPushButton(tr("Use for chat"))
        self.use.setToolTip(tr("Put this preset's system prompt and sampling on the Chat page"))
        self.delete = QPushButton(tr("Delete"))
        buttons = QHBoxLayout()
        for b in (self.use, self.delete):
            buttons.addWidget(b)
        for w in (self.list, self.summary):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addWidget(self.name)
        layout.addWidget(save)
        save.clicked.connect(self.save_current)
        self.use.clicked.connect(self.use_selected)
        self.delete.clicked.connect(self.delete_selected)
        self.list.currentTextChanged.connect(self._selected)
        self._fill(current)

    def _fill(self, select: str = "") -> None:
        self.list.clear()
        self.list.addItems(list(self.presets))
        matches = self.list.findItems(select, Qt.MatchFlag.MatchExactly) if select else []
        self.list.setCurrentItem(matches[0] if matches else self.list.item(0))
        self._selected(self.list.currentItem().text() if self.list.currentItem() else "")

    def _selected(self, name: str) -> None:
        preset = self.presets.get(name)
        self.use.setEnabled(preset is not None)
        self.delete.setEnabled(preset is not None)
        if preset is None:
            self.summary.setText(tr("No presets yet: set the Chat page, name it below and save it."))
            return
        s = preset.sampling
        self.summary.setText(
            tr(
                "“{prompt}” · temperature {temperature}, top-p {top_p}, top-k {top_k}, min-p {min_p},"
                " max {max_tokens} tokens"
            ).format(
                prompt=preset.system_prompt[:120],
                temperature=f"{s.temperature:g}",
                top_p=f"{s.top_p:g}",
                top_k=s.top_k,
                min_p=f"{s.min_p:g}",
                max_tokens=s.max_tokens,
            )
        )
        self.name.setText(name)

    def save_current(self) -> None:
        name = self.name.text().strip()
        if not name:
            return
        chat = self.chat_page.values()
        self.presets[name] = Preset(name, chat.system_prompt, chat.sampling())
        self._fill(name)

    def use_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chat_page.show_preset(self.presets[item.text()])

    def delete_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.presets.pop(item.text(), None)
            self._fill()

    def values(self) -> list[Preset]:
        return list(self.presets.values())


class DocumentsPage(QWidget):
    def __init__(self, docs: DocsSettings) -> None:
        super().__init__()
        self._original = docs
        form = QFormLayout(self)
        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for name, label, lo, hi in (
            ("chunk_tokens", tr("Chunk size (word pieces)"), 32, 254),
            ("chunk_overlap", tr("Chunk overlap (word pieces)"), 0, 128),
            ("top_k", tr("Passages retrieved per question"), 1, 100),
            ("max_passages", tr("Passages per answer at most"), 1, 50),
        ):
            box = QSpinBox()
            box.setRange(lo, hi)
            box.setValue(getattr(docs, name))
            box.setAccessibleName(label)
            self.fields[name] = box
            form.addRow(label, box)
        note = wrapped(tr("A new chunk size applies to documents added from now on."))
        form.addRow("", note)
        self.ocr = QCheckBox(tr("Read scanned pages (OCR)"))
        self.ocr.setChecked(docs.ocr)
        form.addRow("", self.ocr)
        self.chroma_url = QLineEdit(docs.chroma_url, placeholderText=tr("Empty: the store on this computer"))
        self.chroma_url.setAccessibleName(tr("Chroma server address"))
        form.addRow(tr("Chroma server"), self.chroma_url)
        self._embedding_row(form, docs.embedding_model)
        form.addRow(self._advanced(docs))

    def _embedding_row(self, form: QFormLayout, model: str) -> None:
        self.embedding_model = QLineEdit("" if model == BUNDLED_EMBEDDER else model)
        self.embedding_model.setPlaceholderText(tr("bundled (all-MiniLM-L6-v2, comes with Hearth)"))
        self.embedding_model.setAccessibleName(tr("Embedding model"))
        self.embedding_model.setToolTip(
            tr(
                "Empty or “bundled”: the model that comes with Hearth; else the folder of a"
                " sentence-transformers model on this computer"
            )
        )
        form.addRow(tr("Embedding model"), folder_row(
            self.embedding_model, tr("Choose the embedding model's folder"), tr("Embedding model folder")
        ))  # fmt: skip
        self.reindex_note = wrapped(
            tr(
                "Documents must be indexed again with a new embedding model. A library indexed with"
                " another model cannot be searched until then (nothing is mixed): adding a document"
                " to it indexes all of its documents again with the new model."
            )
        )
        form.addRow("", self.reindex_note)
        self.embedding_model.textChanged.connect(self._embedding_changed)
        self._embedding_changed()

    def _embedding(self) -> str:
        return self.embedding_model.text().strip() or BUNDLED_EMBEDDER

    def _embedding_changed(self) -> None:
        self.reindex_note.setVisible(self._embedding() != self._original.embedding_model)

    def _advanced(self, docs: DocsSettings) -> QGroupBox:
        """Reading, prompt budgets, fusion, polling and batching: rarely changed."""
        group = QGroupBox(tr("Advanced"))
        form = QFormLayout(group)
        seconds = tr(" s")
        for name, label, box in (
            ("page_timeout_s", tr("Give up on a file when one page takes longer than"),
             spin_box(docs.page_timeout_s, 1, 3600, tr("Page time limit"), 5, suffix=seconds)),
            ("file_timeout_s", tr("…or when the whole file takes longer than"),
             spin_box(docs.file_timeout_s, 10, 86400, tr("File time limit"), 60, suffix=seconds)),
            ("context_fraction", tr("Share of the free context for passages"),
             spin_box(docs.context_fraction, 0.05, 0.95, tr("Share of the free context for passages"),
                      0.05, 2)),
            ("first_token_budget_s", tr("Cut the passages to be read by the model in about"),
             spin_box(docs.first_token_budget_s, 0.5, 600, tr("Time the model reads passages"), 1, 1,
                      seconds)),
            ("keyword_weight", tr("Keyword ranking's weight (0 = meaning only)"),
             spin_box(docs.keyword_weight, 0, 4, tr("Keyword ranking's weight"), 0.1, 2)),
            ("watch_interval_s", tr("Look for changes in watched folders every"),
             spin_box(docs.watch_interval_s, 0.5, 3600, tr("Watched folders' polling interval"), 1, 1,
                      seconds)),
            ("embed_batch", tr("Chunks embedded at a time"),
             spin_box(docs.embed_batch, 1, 1024, tr("Chunks embedded at a time"), 8)),
        ):  # fmt: skip
            self.fields[name] = box
            form.addRow(label, box)
        note = wrapped(tr("These apply to what starts next: the next question, the next document read,"
                              " a watched folder's next look."))  # fmt: skip
        form.addRow(note)
        return group

    def values(self) -> DocsSettings:
        values: dict[str, Any] = {name: box.value() for name, box in self.fields.items()}
        values["chunk_overlap"] = min(values["chunk_overlap"], values["chunk_tokens"] // 2)
        return replace(self._original, chroma_url=self.chroma_url.text().strip(), ocr=self.ocr.isChecked(),
                       embedding_model=self._embedding(), **values)  # fmt: skip


class LibraryPage(QWidget):
    """Models: where they are downloaded to, the Hugging Face token (OS keyring), the Hub's proxy."""

    def __init__(self, models: ModelSettings) -> None:
        super().__init__()
        self._original = models
        form = QFormLayout(self)
        self.folder = QLineEdit(
            models.models_dir, placeholderText=tr("Empty: the models folder in Hearth's data")
        )
        self.folder.setAccessibleName(tr("Download folder"))
        form.addRow(tr("Download folder"), folder_row(
            self.folder, tr("Choose the download folder"), tr("Download folder")
        ))  # fmt: skip
        self.had_token = bool(secrets.get(hub.HF_TOKEN_ACCOUNT))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(tr("A token is saved: type a new one to replace it") if self.had_token
                                      else tr("For gated and private models (hf_…)"))  # fmt: skip
        self.token.setAccessibleName(tr("Hugging Face token"))
        self.forget_token = QCheckBox(tr("Forget the saved token"))
        self.forget_token.setVisible(self.had_token)
        form.addRow(tr("Hugging Face token"), self.token)
        form.addRow("", self.forget_token)
        form.addRow("", QLabel(tr("The token is kept in the system keyring, not in the settings file.")))
        self.proxy = QLineEdit(models.proxy, placeholderText=tr("Empty: no proxy (e.g. http://proxy:3128)"))
        self.proxy.setAccessibleName(tr("Proxy for the Hub and downloads"))
        form.addRow(tr("Proxy (Hub and downloads)"), self.proxy)
        self.retries = QSpinBox()
        self.retries.setRange(0, 100)
        self.retries.setValue(models.download_retries)
        self.retries.setAccessibleName(tr("Download retries"))
        form.addRow(tr("Download retries"), self.retries)
        self.recommend = QCheckBox(tr("Rank the Hub's most downloaded models into Recommended"))
        self.recommend.setToolTip(
            tr("Asks the Hub each time the Models tab opens (off: nothing is sent unasked)")
        )
        self.recommend.setChecked(models.hub_recommendations)
        form.addRow("", self.recommend)
        self.search_limit = spin_box(models.search_limit, 1, 500, tr("Hub search results"), 10)
        form.addRow(tr("Hub search results"), self.search_limit)
        fits = tr("Context assumed when judging what fits")
        self.fit_ctx = spin_box(models.fit_ctx, 256, 1_048_576, fits, 1024, suffix=tr(" tokens"))
        form.addRow(fits, self.fit_ctx)

    def token_change(self) -> str | None:
        """The new token, "" to forget the saved one, None to leave the keyring alone."""
        if self.token.text().strip():
            return self.token.text().strip()
        return "" if self.had_token and self.forget_token.isChecked() else None

    def values(self) -> ModelSettings:
        return replace(self._original, models_dir=self.folder.text().strip(), proxy=self.proxy.text().strip(),
                       download_retries=self.retries.value(),
                       hub_recommendations=self.recommend.isChecked(), search_limit=self.search_limit.value(),
                       fit_ctx=self.fit_ctx.value())  # fmt: skip


class ServersPage(QWidget):
    """Remote servers' connection settings and Hearth's own API (the servers themselves are listed on
    the Models tab, the API switched on in the Chat menu)."""

    def __init__(self, remote: RemoteSettings, api: ApiSettings) -> None:
        super().__init__()
        self._remote, self._api = remote, api
        layout = QVBoxLayout(self)
        group = QGroupBox(tr("Remote servers"))
        form = QFormLayout(group)
        seconds = tr(" s")
        self.default_n_ctx = spin_box(remote.default_n_ctx, 256, 1_048_576,
                                      tr("Context length when a server does not say"), 1024,
                                      suffix=tr(" tokens"))  # fmt: skip
        self.connect_timeout = spin_box(remote.connect_timeout_s, 1, 600, tr("Connection time limit"), 1,
                                        suffix=seconds)  # fmt: skip
        self.read_timeout = spin_box(remote.read_timeout_s, 5, 3600, tr("Silence time limit"), 10,
                                     suffix=seconds)  # fmt: skip
        form.addRow(tr("Context length when a server does not say"), self.default_n_ctx)
        form.addRow(tr("Give up connecting after"), self.connect_timeout)
        form.addRow(tr("Give up on a server silent for"), self.read_timeout)
        note = wrapped(tr("Servers are added on the Models tab (Remote servers). These apply from the"
                              " next reply."))  # fmt: skip
        form.addRow(note)
        layout.addWidget(group)
        group = QGroupBox(tr("Local API"))
        form = QFormLayout(group)
        self.queue_size = spin_box(api.queue_size, 1, 100, tr("Requests waiting at most"))
        self.queue_size.setToolTip(tr("One more is answered “busy” (HTTP 503) with a time to retry"))
        self.cors_origins = QLineEdit(api.cors_origins)
        self.cors_origins.setPlaceholderText(
            tr("Empty: none (e.g. http://localhost:3000, https://app.example)")
        )
        self.cors_origins.setAccessibleName(tr("Web pages allowed to call the API (CORS origins)"))
        form.addRow(tr("Requests waiting at most"), self.queue_size)
        form.addRow(tr("Web pages allowed (CORS)"), self.cors_origins)
        note = wrapped(tr("Switched on in the Chat menu. These apply at once, also to a running API;"
                              " separate origins with commas."))  # fmt: skip
        form.addRow(note)
        layout.addWidget(group)
        layout.addStretch(1)

    def values(self) -> tuple[RemoteSettings, ApiSettings]:
        remote = replace(self._remote, default_n_ctx=self.default_n_ctx.value(),
                         connect_timeout_s=self.connect_timeout.value(),
                         read_timeout_s=self.read_timeout.value())  # fmt: skip
        origins = ", ".join(o.strip() for o in self.cors_origins.text().split(",") if o.strip())
        return remote, replace(self._api, queue_size=self.queue_size.value(), cors_origins=origins)


class AppearancePage(QWidget):
    def __init__(self, appearance: AppearanceSettings) -> None:
        super().__init__()
        form = QFormLayout(self)
        self.scheme = QComboBox()
        for key in COLOR_SCHEMES:
            self.scheme.addItem(tr(SCHEME_TEXT[key]), key)
        self.scheme.setCurrentIndex(max(0, self.scheme.findData(appearance.color_scheme)))
        self.scheme.setAccessibleName(tr("Colours"))
        form.addRow(tr("Colours"), self.scheme)
        self.font_size = QSpinBox()
        self.font_size.setRange(0, 48)
        self.font_size.setSpecialValueText(tr("The system's size"))
        self.font_size.setSuffix(tr(" pt"))
        self.font_size.setValue(appearance.font_size)
        self.font_size.setAccessibleName(tr("Font size"))
        form.addRow(tr("Font size"), self.font_size)
        self.language = QComboBox()
        self.language.addItem(tr("The system's language"), "")
        for code, name in i18n.available().items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(appearance.language)))
        self.language.setAccessibleName(tr("Language"))
        form.addRow(tr("Language"), self.language)
        note = wrapped(tr("A new language applies when Hearth starts again."))
        form.addRow("", note)

    def values(self) -> AppearanceSettings:
        return AppearanceSettings(
            str(self.scheme.currentData()), self.font_size.value(), str(self.language.currentData())
        )
