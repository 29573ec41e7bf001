"""The reply lifecycle in a real window on a real-size prompt (synthetic model): progress while the
prompt is read, closing or deleting mid-reply, switching chats, resuming after a restart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import settings
from app.assistant.reply import Finished, Phase
from tests.ui.conftest import LOAD_TIMEOUT_MS, REPLY_TIMEOUT_MS
from ui.main_window import MainWindow

LONG = "Describe the harbour, the boats and the weather in great detail. " * 200  # ~2,600 tokens


@pytest.fixture
def big_window(synthetic_small: Path, qtbot: QtBot) -> Iterator[Callable[[], MainWindow]]:
    """Windows on the synthetic model (4k context, short greedy replies), closed at the end."""
    s = settings.load()
    s.chat.model_path, s.chat.n_ctx, s.chat.max_tokens = str(synthetic_small), 4096, 24
    s.chat.temperature = 0.0
    settings.save(s)
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        w = MainWindow()
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        qtbot.waitUntil(lambda: w.controller.model_info is not None, timeout=LOAD_TIMEOUT_MS)
        assert w.controller.model_info is not None and w.controller.model_info.n_ctx == 4096
        return w

    yield make
    for w in windows:
        w.close()


def test_reading_progress_then_close_mid_prompt(qtbot: QtBot, big_window: Callable[[], MainWindow]) -> None:
    w = big_window()
    w.send(LONG)
    qtbot.waitUntil(lambda: w.phase_label.text().startswith("Reading prompt"), timeout=REPLY_TIMEOUT_MS)
    assert "/ 2," in w.phase_label.text() and "tokens" in w.phase_label.text()
    assert w.stop_button.isEnabled() and not w.send_button.isEnabled()
    conv, reply = w.conversation_id or 0, w.controller.reply
    assert reply is not None
    store_path = w.store.path
    w.close()
    assert not w.exit_without_waiting  # the worker stopped within the bounded wait
    from app.chat.store import ChatStore

    store = ChatStore(store_path)
    try:
        last = store.messages(conv)[-1]
        assert last.role == "assistant" and last.status == "interrupted"
    finally:
        store.close()


def test_stop_while_reading(qtbot: QtBot, big_window: Callable[[], MainWindow]) -> None:
    w = big_window()
    w.send("Stop me: " + LONG)
    qtbot.waitUntil(lambda: w.phase_label.text().startswith("Reading prompt"), timeout=REPLY_TIMEOUT_MS)
    with qtbot.waitSignal(w.controller.reply_finished, timeout=REPLY_TIMEOUT_MS) as blocker:
        w.stop_button.click()
    finished: Finished = blocker.args[1]
    assert finished.phase is Phase.STOPPED and finished.stats is not None
    assert finished.stats.context_used < finished.stats.prompt_tokens
    assert w.store.messages(w.conversation_id or 0)[-1].status == "stopped"
    assert w.phase_label.text() == "" and w.send_button.isEnabled()


def test_delete_the_generating_chat(
    qtbot: QtBot, big_window: Callable[[], MainWindow], errors: list[str]
) -> None:
    w = big_window()
    w.new_chat()
    keep = w.conversation_id
    w.new_chat()
    doomed = w.conversation_id or 0
    with qtbot.waitSignal(w.controller.reply_text, timeout=REPLY_TIMEOUT_MS):
        w.send("Write a long poem about the sea.")
    with qtbot.waitSignal(w.controller.reply_finished, timeout=REPLY_TIMEOUT_MS):
        w.delete_conversation(doomed, confirm=False)
    assert errors == []
    assert doomed not in [c.id for c in w.store.conversations()]
    assert w.conversation_id is not None and w.conversation_id != doomed
    assert keep in [c.id for c in w.store.conversations()]
    with qtbot.waitSignal(w.controller.reply_finished, timeout=REPLY_TIMEOUT_MS):
        w.send("Still working?")  # the app carries on
    assert w.store.messages(w.conversation_id)[-1].status == "complete"


def test_switching_away_keeps_the_reply_going(qtbot: QtBot, big_window: Callable[[], MainWindow]) -> None:
    w = big_window()
    w.settings.chat.max_tokens = 120
    first = w.conversation_id or 0
    with qtbot.waitSignal(w.controller.reply_text, timeout=REPLY_TIMEOUT_MS):
        w.send("Tell a long story about a fox.")
    w.new_chat()  # away: the other chat is empty, the reply goes on
    assert w.view.plain_text().strip() == "" and w.controller.busy
    qtbot.waitUntil(lambda: len(w.live_text) > 20, timeout=REPLY_TIMEOUT_MS)
    w.select_conversation(first)  # back: what was written so far is shown, and it keeps streaming
    begun = w.live_text[:20]
    assert begun in w.view.plain_text()
    assert w.view.cards[-1].live and w.view.cards[-1].text == w.live_text  # shown once, not twice
    qtbot.waitUntil(lambda: not w.controller.busy, timeout=REPLY_TIMEOUT_MS)  # (it may end any moment)
    stored = w.store.messages(first)[-1]
    assert stored.status == "complete" and stored.content.startswith(begun)
    assert stored.content[:40] in w.view.plain_text()


def test_restart_resumes_without_reading_again(qtbot: QtBot, big_window: Callable[[], MainWindow]) -> None:
    w = big_window()
    with qtbot.waitSignal(w.controller.reply_finished, timeout=REPLY_TIMEOUT_MS):
        w.send(LONG)
    qtbot.waitUntil(lambda: any(w.prompt_cache.directory.glob("*.kv")), timeout=REPLY_TIMEOUT_MS)
    conv = w.conversation_id
    w.close()
    w2 = big_window()
    assert w2.conversation_id == conv
    with qtbot.waitSignal(w2.controller.reply_finished, timeout=REPLY_TIMEOUT_MS) as blocker:
        w2.send("And the lighthouse?")
    stats = blocker.args[1].stats
    assert stats.restored_tokens > 2000 and stats.prompt_tokens - stats.cached_tokens < 100
