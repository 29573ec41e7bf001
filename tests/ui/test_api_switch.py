"""Chat → Serve the local API in a real window: the window's model answers 8 concurrent ``openai``
clients (answered or cleanly refused) while the window's own chat goes on; the switch is kept."""

from __future__ import annotations

import threading
from typing import Any

import openai
from pytestqt.qtbot import QtBot

from app import settings
from tests.ui.conftest import send_and_wait
from ui.main_window import MainWindow


def test_eight_clients_while_the_window_chats(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    w.settings.api.port = 0  # any free port
    assert not w.api_switch.action.isChecked()  # off by default
    w.api_switch.action.setChecked(True)
    server = w.api_switch.server
    assert server is not None and settings.load().api.enabled
    url = f"http://127.0.0.1:{server.port}/v1"
    outcome: dict[int, Any] = {}
    barrier = threading.Barrier(9)

    def one(i: int) -> None:
        with openai.OpenAI(base_url=url, api_key="none", max_retries=0, timeout=240) as c:
            barrier.wait(30)
            try:
                ask = [{"role": "user", "content": f"Say {i}."}]
                done = c.chat.completions.create(model="hearth", messages=ask, max_tokens=16, temperature=0.0)  # type: ignore[arg-type]
                outcome[i] = done.choices[0].message.content
            except openai.APIStatusError as exc:
                outcome[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    barrier.wait(30)
    send_and_wait(qtbot, w, "Hello from the window.")  # goes before the waiting API requests
    conv = w.conversation_id or 0
    mine = w.store.messages(conv)[-1]
    assert mine.role == "assistant" and mine.status == "complete" and mine.content
    qtbot.waitUntil(lambda: len(outcome) == 8, timeout=240_000)
    for t in threads:
        t.join(10)
    for value in outcome.values():
        if isinstance(value, str):
            assert value
        else:
            assert value.status_code == 503 and int(value.response.headers["retry-after"]) >= 1
    assert any(isinstance(v, str) for v in outcome.values())
    assert [m.role for m in w.store.messages(conv)] == ["user", "assistant"]  # nothing from the API
    w.api_switch.action.setChecked(False)
    assert w.api_switch.server is None and not settings.load().api.enabled
