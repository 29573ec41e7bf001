"""The window must appear fast: importing the GUI must not import the heavy libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.settings import ChatSettings
from ui.settings_dialog import SettingsDialog

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("llama_cpp", "torch", "chromadb", "sentence_transformers", "huggingface_hub", "pypdf")


def test_gui_modules_do_not_import_heavy_libraries() -> None:
    code = (
        "import sys, ui.app, ui.main_window\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_settings_dialog_edits_and_flags_reload(qtbot: QtBot) -> None:
    dialog = SettingsDialog(ChatSettings())
    qtbot.addWidget(dialog)
    dialog.fields["temperature"].setValue(0.3)
    new = dialog.result_settings()
    assert new.temperature == 0.3 and not SettingsDialog.needs_reload(ChatSettings(), new)
    dialog.fields["n_ctx"].setValue(2048)
    assert SettingsDialog.needs_reload(ChatSettings(), dialog.result_settings())
