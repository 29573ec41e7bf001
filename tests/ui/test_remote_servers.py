"""Models → Remote servers and the chat's engine menu, in a real window against a real
OpenAI-compatible server (llama-cpp-python's own) behind a fault proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import secrets, settings
from app.chat import servers
from app.chat.servers import RemoteServer
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.openai_server import Running, free_port
from tests.ui.conftest import send_and_wait
from ui.main_window import MainWindow

TEST_TIMEOUT_MS = 60_000


@pytest.fixture
def proxy(llama_server: Running) -> Iterator[FaultProxy]:
    with FaultProxy(llama_server.url) as p:
        yield p


def add_server(qtbot: QtBot, w: MainWindow, server: RemoteServer, key: str = "") -> str:
    with qtbot.waitSignal(w.remote_panel.tested, timeout=TEST_TIMEOUT_MS) as tested:
        w.remote_panel.add(server, key)
    return str(tested.args[0])


def test_a_chat_answered_by_a_remote_server(
    qtbot: QtBot, window: MainWindow, proxy: FaultProxy, starter_model: Path, hearth_home: Path
) -> None:
    w = window
    outcome = add_server(qtbot, w, RemoteServer("gpu-box", proxy.url, n_ctx=2048), key="k-123")
    assert outcome == f"gpu-box: connected; it offers {starter_model}."
    assert "k-123" not in (hearth_home / "settings.json").read_text()
    assert secrets.get("remote-server:gpu-box") == "k-123"
    labels = [w.engine_picker.itemText(i) for i in range(w.engine_picker.count())]
    assert labels == ["Local model", f"gpu-box · {starter_model}"]

    w.engine_picker.setCurrentIndex(1)
    w.engine_picker.activated.emit(1)  # as a user's pick
    conv = w.conversation_id
    assert conv is not None
    assert servers.engine_key(w.store.conversation(conv).engine) == ("gpu-box", str(starter_model))
    send_and_wait(qtbot, w, "Say hello.")
    reply = w.store.messages(conv)[-1]
    assert reply.role == "assistant" and reply.status == "complete" and reply.content
    assert reply.stats["completion_tokens"] > 0 and reply.stats["n_ctx"] == 2048
    assert ("POST", "/v1/chat/completions") in proxy.seen.requests
    assert proxy.seen.authorization[-1] == "Bearer k-123"
    assert w.speed_label.text().endswith("tok/s")

    # the choice is the chat's: a new chat is on the local model, the first keeps its server
    w.new_chat()
    assert w.engine_picker.currentIndex() == 0
    send_and_wait(qtbot, w, "Hi")
    assert len([r for r in proxy.seen.requests if r[1] == "/v1/chat/completions"]) == 1
    w.select_conversation(conv)
    assert w.engine_picker.currentText() == f"gpu-box · {starter_model}"


def test_faults_keep_the_chat_usable(
    qtbot: QtBot, window: MainWindow, proxy: FaultProxy, errors: list[str]
) -> None:
    w = window
    add_server(qtbot, w, RemoteServer("gpu-box", proxy.url, n_ctx=2048))
    w.choose_engine(servers.engine_text(("gpu-box", "")))
    conv = w.conversation_id
    assert conv is not None
    proxy.fault = Fault("drop", after=4)
    send_and_wait(qtbot, w, "Write a long story about a lighthouse keeper.")
    cut = w.store.messages(conv)[-1]
    assert cut.status == "interrupted" and cut.content
    assert errors[-1].startswith("The reply from gpu-box broke off: the connection was closed")
    proxy.fault = Fault("status", 503)
    send_and_wait(qtbot, w, "Again?")
    assert w.store.messages(conv)[-1].status == "failed"
    assert errors[-1].startswith("gpu-box failed (HTTP 503")
    proxy.fault = Fault()
    send_and_wait(qtbot, w, "Once more.")
    assert w.store.messages(conv)[-1].status == "complete"


def test_unreachable_and_removed_servers(qtbot: QtBot, window: MainWindow, errors: list[str]) -> None:
    w = window
    outcome = add_server(qtbot, w, RemoteServer("nowhere", f"http://127.0.0.1:{free_port()}"))
    assert outcome.startswith("nowhere: Cannot connect to nowhere at http://127.0.0.1:")
    assert "refused" in outcome and errors and errors[-1] in outcome
    w.choose_engine(servers.engine_text(("nowhere", "")))
    send_and_wait(qtbot, w, "Hello?")
    assert errors[-1].startswith("Cannot connect to nowhere")
    w.remote_panel.list.setCurrentRow(0)
    w.remote_panel.remove_selected()
    assert servers.saved(settings.load().remote) == []
    assert w.engine_picker.currentText().endswith("(not available)")
    count = len(errors)
    w.send("Hello again?")
    assert len(errors) == count + 1 and "no longer saved" in errors[-1]
    assert not w.controller.busy
    w.choose_engine("")
    send_and_wait(qtbot, w, "Local then.")
    assert w.store.messages(w.conversation_id or 0)[-1].status == "complete"
