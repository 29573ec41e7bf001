"""The first screen of an empty chat on the real window: the starter is called a demo, the best model for
this machine is offered with size, memory and predicted speed, and Download starts it (loopback Hub)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support.hub import FakeHub
from ui.main_window import MainWindow

WAIT = 60_000


def test_welcome_offers_the_best_model_and_downloads_it(
    make_window: Callable[[], MainWindow], qtbot: QtBot, starter_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeHub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        w = make_window()
        panel = w.welcome
        qtbot.waitUntil(lambda: panel.pick is not None, timeout=WAIT)
        assert panel.isVisible() and panel.model_note.isVisible() and "tiny demo" in panel.model_note.text()
        pick = panel.pick
        assert pick is not None
        text = panel.offer.text()
        assert pick.entry.name in text and "tokens/s" in text and "GB" in text
        # the Hub serves the pick's file (the starter's bytes stand in for it)
        hub.add_file(pick.entry.repo, pick.entry.file, starter_model)
        with qtbot.waitSignal(panel.download_requested, timeout=WAIT):
            panel.download_button.click()
        assert w.tabs.currentWidget() is w.models_page
        rows = w.models_page.downloads.rows
        assert [r.remote.filename for r in rows] == [pick.entry.file]
        qtbot.waitUntil(lambda: rows[0].state == "done", timeout=WAIT)
        w.models_page.shutdown()
