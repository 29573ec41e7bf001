"""Chat settings: sampling, how the model is loaded (context, threads, KV cache type, flash attention,
GPU layers where the build can offload) and the disk budget of the conversation prompt cache."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.chat.prompt_cache import PromptCache
from app.settings import GPU_LAYERS_AUTO, KV_TYPES, ChatSettings

# field: (label, minimum, maximum, step or decimals)
FLOATS = {
    "temperature": ("Temperature", 0.0, 2.0, 0.05),
    "top_p": ("Top-p", 0.0, 1.0, 0.01),
    "min_p": ("Min-p", 0.0, 1.0, 0.01),
    "repeat_penalty": ("Repeat penalty", 0.5, 2.0, 0.01),
}
INTS = {
    "top_k": ("Top-k (0 = off)", 0, 1000),
    "max_tokens": ("Max reply tokens", 1, 32768),
    "n_ctx": ("Context length", 256, 262144),
    "n_threads": ("Threads (0 = auto)", 0, 256),
    "n_gpu_layers": ("GPU layers (-1 = all)", GPU_LAYERS_AUTO, 999),
    "prompt_cache_mb": ("Saved conversations (MB on disk)", 0, 1_000_000),
}
RELOAD_FIELDS = ("n_ctx", "n_threads", "n_gpu_layers", "kv_type", "flash_attn")
FA_NEEDED = "A quantized KV cache needs flash attention (llama.cpp cannot quantize V without it)."


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: ChatSettings,
        parent: QWidget | None = None,
        gpu_offload: bool = False,
        prompt_cache: PromptCache | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chat settings")
        self._original = settings
        self._cache = prompt_cache
        form = QFormLayout(self)
        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for name, (label, lo, hi, step) in FLOATS.items():
            box = QDoubleSpinBox()
            box.setRange(lo, hi)
            box.setSingleStep(step)
            box.setDecimals(2)
            box.setValue(getattr(settings, name))
            self.fields[name] = box
            form.addRow(label, box)
        for name, (label, lo, hi) in INTS.items():
            if name == "n_gpu_layers" and not gpu_offload:
                continue  # a CPU-only build of llama.cpp cannot offload: nothing to set
            ibox = QSpinBox()
            ibox.setRange(lo, hi)
            ibox.setValue(getattr(settings, name))
            if name == "n_gpu_layers":
                ibox.setSpecialValueText("Auto (what fits in free VRAM)")
            self.fields[name] = ibox
            form.addRow(label, ibox)
        self.kv_type = QComboBox()
        self.kv_type.addItems(list(KV_TYPES))
        self.kv_type.setCurrentText(settings.kv_type)
        self.kv_type.setToolTip(
            "q8_0 halves the KV cache's memory, q4_0 quarters it, at some loss of quality"
        )
        self.flash_attn = QCheckBox("Flash attention")
        self.flash_attn.setChecked(settings.flash_attn)
        self.fa_note = QLabel(FA_NEEDED)
        self.fa_note.setWordWrap(True)
        form.addRow("KV cache type", self.kv_type)
        form.addRow("", self.flash_attn)
        form.addRow("", self.fa_note)
        self.kv_type.currentTextChanged.connect(self._kv_changed)
        self._kv_changed(self.kv_type.currentText())
        if prompt_cache is not None:
            self.cache_usage = QLabel()
            clear = QPushButton("Clear")
            clear.setToolTip("Delete the saved conversation states (the next turn reads its chat again)")
            clear.clicked.connect(self._clear_cache)
            row = QHBoxLayout()
            row.addWidget(self.cache_usage, 1)
            row.addWidget(clear)
            form.addRow("", row)
            self._show_usage()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _kv_changed(self, kv_type: str) -> None:
        quantized = kv_type != "f16"
        if quantized:
            self.flash_attn.setChecked(True)
        self.flash_attn.setEnabled(not quantized)
        self.fa_note.setVisible(quantized)

    def _show_usage(self) -> None:
        assert self._cache is not None
        self.cache_usage.setText(f"In use: {self._cache.usage_bytes() / 2**20:,.0f} MB")

    def _clear_cache(self) -> None:
        assert self._cache is not None
        self._cache.clear()
        self._show_usage()

    def result_settings(self) -> ChatSettings:
        values: dict[str, Any] = {name: box.value() for name, box in self.fields.items()}
        values["kv_type"] = self.kv_type.currentText()
        values["flash_attn"] = self.flash_attn.isChecked()
        return replace(self._original, **values)

    @staticmethod
    def needs_reload(old: ChatSettings, new: ChatSettings) -> bool:
        return any(getattr(old, f) != getattr(new, f) for f in RELOAD_FIELDS)
