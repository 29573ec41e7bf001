"""The chat window end to end on the real starter model (offscreen)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.assistant.reply import Phase
from app.chat.store import ChatStore
from tests.ui.conftest import REPLY_TIMEOUT_MS, send_and_wait
from ui.conversations import PIN, ConversationListModel, SnippetRole
from ui.main_window import MainWindow


def test_first_run_has_starter_model_and_a_chat(window: MainWindow) -> None:
    assert "SmolLM2" in window.model_label.text()
    info = window.controller.model_info
    assert info is not None and window.device_label.text() == info.device
    assert (info.device == "CPU only") if not info.offload_supported else ("layers" in info.device)
    assert window.conversation_id is not None
    assert window.send_button.isEnabled()


def test_send_streams_tokens_and_saves_reply(qtbot: QtBot, window: MainWindow) -> None:
    chunks: list[str] = []
    window.controller.reply_text.connect(lambda _reply, text: chunks.append(text))
    send_and_wait(qtbot, window, "What is the capital of France?")
    assert chunks, "tokens reached the view"
    msgs = window.store.messages(window.conversation_id or 0)
    assert [m.role for m in msgs] == ["user", "assistant"]
    assert msgs[1].status == "complete" and msgs[1].content == "".join(chunks)
    assert msgs[1].content.strip()[:10] in window.view.plain_text()
    assert "tok/s" in window.speed_label.text()
    assert "/ 1024 tokens" in window.context_label.text()


def test_enter_sends_and_shift_enter_adds_newline(qtbot: QtBot, window: MainWindow) -> None:
    window.input.setFocus()
    qtbot.keyClicks(window.input, "line one")
    qtbot.keyClick(window.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.input, "line two")
    assert window.input.toPlainText() == "line one\nline two"
    with qtbot.waitSignal(window.controller.reply_finished, timeout=REPLY_TIMEOUT_MS):
        qtbot.keyClick(window.input, Qt.Key.Key_Return)
    assert window.input.toPlainText() == ""
    assert window.store.messages(window.conversation_id or 0)[0].content == "line one\nline two"


def test_stop_keeps_partial_reply(qtbot: QtBot, window: MainWindow) -> None:
    window.settings.chat.max_tokens = 400
    with qtbot.waitSignal(window.controller.reply_text, timeout=REPLY_TIMEOUT_MS):
        window.send("Count from one to two hundred, in words.")
    assert window.stop_button.isEnabled()
    with qtbot.waitSignal(window.controller.reply_finished, timeout=REPLY_TIMEOUT_MS) as blocker:
        qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    finished = blocker.args[1]
    assert finished.phase is Phase.STOPPED and finished.stats.finish_reason == "cancelled"
    reply = window.store.messages(window.conversation_id or 0)[-1]
    assert reply.status == "stopped" and reply.content == finished.text
    assert finished.stats.completion_tokens < 400


def test_regenerate_adds_a_version_shown_as_2_of_2(qtbot: QtBot, window: MainWindow) -> None:
    window.settings.chat.temperature = 0.9  # another version, not the same words again
    send_and_wait(qtbot, window, "Say hi.")
    before = window.store.messages(window.conversation_id or 0)
    with qtbot.waitSignal(window.controller.reply_finished, timeout=REPLY_TIMEOUT_MS):
        next(b for b in window.view.cards[-1].action_buttons if b.text() == "Regenerate").click()
    qtbot.waitUntil(lambda: not window.controller.busy)
    after = window.store.messages(window.conversation_id or 0)
    assert len(after) == 2 and after[0].id == before[0].id and after[1].id != before[1].id
    assert after[1].versions == (before[1].id, after[1].id)
    card = window.view.cards[-1]
    assert card.version_label.text() == "2/2" and "tok/s" in card.meta_label.text()
    assert card.prev_button.isEnabled() and not card.next_button.isEnabled()
    card.prev_button.click()  # back to the first version
    assert window.store.messages(window.conversation_id or 0)[1].id == before[1].id
    assert window.view.cards[-1].version_label.text() == "1/2"
    assert before[1].content.strip()[:10] in window.view.cards[-1].plain_text()


def test_delete_and_branch_from_a_message(qtbot: QtBot, window: MainWindow) -> None:
    send_and_wait(qtbot, window, "Tell me about cats.")
    send_and_wait(qtbot, window, "And dogs?")
    conv = window.conversation_id or 0
    first_reply = window.store.messages(conv)[1]
    window.branch_from(first_reply.id)
    assert window.conversation_id != conv
    assert [c.message.content for c in window.view.cards] == ["Tell me about cats.", first_reply.content]
    assert window.conv_model.rowCount() == 2
    window.select_conversation(conv)
    window.delete_message(window.store.messages(conv)[2].id, confirm=False)  # "And dogs?" and its reply
    assert [m.id for m in window.store.messages(conv)] == [window.store.messages(conv)[0].id, first_reply.id]
    assert len(window.view.cards) == 2


def test_edit_past_message_and_resend(qtbot: QtBot, window: MainWindow) -> None:
    send_and_wait(qtbot, window, "Tell me about cats.")
    send_and_wait(qtbot, window, "And dogs?")
    first = window.store.messages(window.conversation_id or 0)[0]
    window.begin_edit(first.id)
    assert window.input.toPlainText() == "Tell me about cats." and window.edit_banner.isVisible()
    with qtbot.waitSignal(window.controller.reply_finished, timeout=REPLY_TIMEOUT_MS):
        window.send("Tell me about birds.")
    msgs = window.store.messages(window.conversation_id or 0)
    assert [m.role for m in msgs] == ["user", "assistant"]
    assert msgs[0].content == "Tell me about birds." and msgs[0].versions == (first.id, msgs[0].id)
    assert window.view.cards[0].version_label.text() == "2/2"


def test_switch_chats_new_rename_delete(qtbot: QtBot, window: MainWindow) -> None:
    send_and_wait(qtbot, window, "Chat one message")
    first = window.conversation_id
    window.new_chat()
    second = window.conversation_id
    assert second != first and window.view.plain_text().strip() == ""
    window.select_conversation(first or 0)
    assert "Chat one message" in window.view.plain_text()
    window.rename_conversation(first or 0, "Renamed chat")
    titles = [window.conv_model.data(window.conv_model.index(r)) for r in range(window.conv_model.rowCount())]
    assert "Renamed chat" in titles
    window.search_box.setText("Renamed")
    qtbot.waitUntil(lambda: window.conv_model.rowCount() == 1)  # applied once typing pauses
    window.search_box.clear()
    window.delete_conversation(first or 0, confirm=False)
    assert window.conversation_id == second


def test_restart_brings_history_back(
    qtbot: QtBot, make_window: Callable[[], MainWindow], hearth_home: Path
) -> None:
    w = make_window()
    qtbot.waitUntil(lambda: w.controller.model_info is not None, timeout=60_000)
    send_and_wait(qtbot, w, "Remember the word pineapple.")
    conv = w.conversation_id
    w.close()
    w2 = make_window()
    assert w2.conversation_id == conv
    assert "pineapple" in w2.view.plain_text()


def test_broken_model_shows_error_and_app_stays_usable(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"not a model at all")
    with qtbot.waitSignal(window.controller.model_failed, timeout=30_000):
        window.load_model(str(bad))
    assert "not a GGUF" in window.last_error
    assert window.statusBar().currentMessage() == window.last_error
    with qtbot.waitSignal(window.controller.model_loaded, timeout=60_000):
        window.load_model("starter")
    send_and_wait(qtbot, window, "Still there?")


def test_export(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    send_and_wait(qtbot, window, "Export me")
    window.write_export(tmp_path / "chat.md", "md")
    window.write_export(tmp_path / "chat.json", "json")
    assert "Export me" in (tmp_path / "chat.md").read_text()
    assert '"role": "assistant"' in (tmp_path / "chat.json").read_text()


def test_conversation_model_is_consistent(qtmodeltester: object, tmp_path: Path) -> None:
    store = ChatStore(tmp_path / "m.sqlite3")
    for title in ("a", "b", "c"):
        store.create_conversation(title)
    model = ConversationListModel(store)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    store.close()


def test_damaged_settings_are_shown_once_and_the_log_folder_opens(
    qtbot: QtBot, errors: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    from app import datafile, paths

    datafile.set_reporter(None)  # as in a fresh process: nothing shows notices before the window
    paths.settings_file().write_text('{"chat": {"n_ctx": 2048,,}}')
    window = MainWindow()
    qtbot.addWidget(window)
    try:
        (bad,) = paths.home().glob("settings.json.bad-*")
        assert len(errors) == 1 and bad.name in errors[0]
        assert bad.name in window.statusBar().currentMessage()
        opened: list[QUrl] = []
        monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
        menus = window.menuBar().findChildren(QMenu)
        (action,) = [a for m in menus for a in m.actions() if a.text() == "Open &log folder"]
        action.trigger()
        assert [u.toLocalFile() for u in opened] == [str(paths.logs_dir())]
    finally:
        window.close()


def test_pin_folders_duplicate_import_and_search_hits(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, errors: list[str]
) -> None:
    store, model = window.store, window.conv_model
    old = store.create_conversation("Lighthouse notes")
    store.add_message(old.id, "user", "The lighthouse keeper climbs ninety steps every evening.")
    window.new_chat()
    titles = lambda: [model.data(model.index(r)) for r in range(model.rowCount())]  # noqa: E731
    assert titles()[0] == "New chat"
    window.pin_conversation(old.id)
    assert titles()[0] == PIN + "Lighthouse notes"
    window.move_to_folder(old.id, "Work")
    i = window.folder_box.findData("Work")
    assert window.folder_box.itemText(i) == "📁 Work"
    window.folder_box.setCurrentIndex(i)
    window.folder_box.activated.emit(i)
    assert titles() == [PIN + "Lighthouse notes"]
    window.folder_box.setCurrentIndex(0)
    window.folder_box.activated.emit(0)
    window.search_box.setText("keeper climb")
    qtbot.waitUntil(lambda: model.rowCount() == 1)  # applied once typing pauses
    hit = model.data(model.index(0), SnippetRole)
    assert "<b>keeper</b> <b>climbs</b>" in hit
    assert not window.conv_list.grab().isNull()  # the delegate draws the passage under the title
    window.search_box.clear()
    window.duplicate_conversation(old.id)
    copy = store.conversation(window.conversation_id or 0)
    assert copy.title == "Lighthouse notes (copy)" and copy.folder == "Work" and not copy.pinned
    assert "ninety steps" in window.view.plain_text()
    window.write_export(tmp_path / "chat.json", "json")
    window.read_import(tmp_path / "chat.json")
    assert store.conversation(window.conversation_id or 0).title == "Lighthouse notes (copy)"
    assert window.conversation_id != copy.id and "ninety steps" in window.view.plain_text()
    bad = tmp_path / "notes.json"
    bad.write_text("{not json")
    count = model.rowCount()
    window.read_import(bad)
    assert errors and "Could not import notes.json" in errors[-1] and "not valid JSON" in errors[-1]
    assert model.rowCount() == count and bad.read_text() == "{not json"  # nothing added, the file kept
