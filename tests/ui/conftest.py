"""GUI fixtures: a main window on the real starter model with short, greedy replies."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from app import settings
from ui import messages
from ui.main_window import MainWindow

LOAD_TIMEOUT_MS = 60_000
REPLY_TIMEOUT_MS = 60_000


def quick_settings() -> None:
    s = settings.load()
    s.chat.temperature = 0.0
    s.chat.max_tokens = 16
    s.chat.n_ctx = 1024
    settings.save(s)


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[Callable[[], MainWindow]]:
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        if not windows:
            quick_settings()
        w = MainWindow()
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.close()


@pytest.fixture
def window(make_window: Callable[[], MainWindow], qtbot: QtBot) -> MainWindow:
    w = make_window()
    qtbot.waitUntil(lambda: w.controller.model_info is not None, timeout=LOAD_TIMEOUT_MS)
    return w


def send_and_wait(qtbot: QtBot, w: MainWindow, text: str) -> None:
    with qtbot.waitSignal(w.controller.reply_finished, timeout=REPLY_TIMEOUT_MS):
        w.send(text)
    qtbot.waitUntil(lambda: not w.controller.busy)


@pytest.fixture
def errors() -> Iterator[list[str]]:
    """Every error message the app shows while the test runs."""
    seen: list[str] = []
    bridge = messages.bridge()
    bridge.error.connect(seen.append)
    yield seen
    bridge.error.disconnect(seen.append)
