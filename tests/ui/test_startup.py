"""The window must appear fast: importing the GUI must not import the heavy libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.settings import ChatSettings, Settings
from tests.support import fresh_python
from ui.settings_dialog import SettingsDialog

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("llama_cpp", "torch", "chromadb", "sentence_transformers", "huggingface_hub", "pypdf", "numpy")


def test_gui_modules_do_not_import_heavy_libraries() -> None:
    code = (
        "import sys, ui.app, ui.main_window\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    fresh_python.assert_runs(code)


def test_modules_imported_after_the_app_starts_are_not_read_for_pyside_features() -> None:
    """PySide6's own import hook would read and tokenize each new module's source (holding the GIL
    while the window waits); with the scan skipped, importing a module never calls inspect.getsource."""
    code = (
        "import inspect, sys, ui.app\n"
        "ui.app.skip_pyside_source_scan()\n"
        "calls = []\n"
        "real = inspect.getsource\n"
        "inspect.getsource = lambda obj: calls.append(obj) or real(obj)\n"
        "import json.tool, email.mime.text\n"
        "assert not calls, calls\n"
        "inspect.getsource = real\n"
    )
    fresh_python.assert_runs(code)


def test_settings_dialog_edits_and_flags_reload(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.chat.fields["temperature"].setValue(0.3)
    new = dialog.result_settings().settings.chat
    assert new.temperature == 0.3 and not SettingsDialog.needs_reload(ChatSettings(), new)
    dialog.chat.fields["n_ctx"].setValue(2048)
    assert SettingsDialog.needs_reload(ChatSettings(), dialog.result_settings().settings.chat)


def test_a_second_window_on_the_same_data_folder_says_so_and_leaves_the_store_alone(
    hearth_home: Path,
) -> None:
    from PySide6.QtCore import QLockFile

    from app.chat.store import ChatStore

    store = ChatStore()
    conv = store.create_conversation()
    live = store.add_message(conv.id, "assistant", "half a reply", status="streaming").id
    first = QLockFile(str(hearth_home / "hearth.lock"))  # the first Hearth, holding its data folder
    assert first.tryLock(0)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    second = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py")], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert second.stderr is not None
        line = second.stderr.readline()  # then it waits on the message box: the user reads it
    finally:
        second.kill()
        second.wait(10)
        second.stderr.close()
    assert "Hearth is already running with this data folder" in line and str(os.getpid()) in line
    assert store.messages(conv.id)[-1].id == live and store.messages(conv.id)[-1].status == "streaming"
    first.unlock()
    # a lock left by a process that died (kill -9) is taken over
    dead = subprocess.Popen(
        [sys.executable, "-c", "import sys; from PySide6.QtCore import QLockFile; "
         "l = QLockFile(sys.argv[1]); assert l.tryLock(0); import os; os._exit(0)",
         str(hearth_home / "hearth.lock")]
    )  # fmt: skip
    assert dead.wait(30) == 0 and (hearth_home / "hearth.lock").exists()
    from ui.app import _single_instance

    taken = _single_instance()
    assert taken is not None
    taken.unlock()
