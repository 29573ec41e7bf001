"""Chat settings: sampling parameters and how the model is loaded."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from app.settings import ChatSettings

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
    "n_gpu_layers": ("GPU layers (-1 = all)", -1, 999),
}
RELOAD_FIELDS = ("n_ctx", "n_threads", "n_gpu_layers")


class SettingsDialog(QDialog):
    def __init__(self, settings: ChatSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chat settings")
        self._original = settings
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
            ibox = QSpinBox()
            ibox.setRange(lo, hi)
            ibox.setValue(getattr(settings, name))
            self.fields[name] = ibox
            form.addRow(label, ibox)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def result_settings(self) -> ChatSettings:
        values: dict[str, Any] = {name: box.value() for name, box in self.fields.items()}
        return replace(self._original, **values)

    @staticmethod
    def needs_reload(old: ChatSettings, new: ChatSettings) -> bool:
        return any(getattr(old, f) != getattr(new, f) for f in RELOAD_FIELDS)
