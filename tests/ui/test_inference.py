"""The engine thread's mailbox: what another thread posts arrives on the GUI thread, in order, and a
post after the window closed is dropped without an error."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ui.inference import _Mailbox


def test_posts_from_another_thread_arrive_in_order_on_the_gui_thread(qtbot: QtBot) -> None:
    owner = QObject()
    got: list[tuple[str, object, threading.Thread]] = []
    box = _Mailbox(owner)

    def note(n: int) -> None:
        got.append(("text", n, threading.current_thread()))

    def post() -> None:
        for n in range(2000):
            box.post(note, n)

    worker = threading.Thread(target=post)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(got) == 2000, timeout=5000)
    assert [n for _, n, _ in got] == list(range(2000))
    assert {t for _, _, t in got} == {threading.main_thread()}
    box.close()
    box.post(note, -1)  # the window is gone: dropped
    qtbot.wait(50)
    assert len(got) == 2000
