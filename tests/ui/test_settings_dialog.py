"""The settings dialog on the real window and starter model: every page saved to settings.json and
shown again, the model file's own settings kept across a restart and loaded with, presets changing
the sampling sent, the dark colour scheme and the font size applied app-wide."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import paths, per_model, settings
from app.assistant.reply import Reply
from app.chat import servers
from app.chat.servers import RemoteKey
from app.models import hub
from app.settings import AppearanceSettings, SamplingParams
from tests.support import keyring_file
from tests.ui.conftest import LOAD_TIMEOUT_MS, send_and_wait
from ui import appearance
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog


@pytest.fixture(autouse=True)
def system_look(qapp: QApplication) -> Iterator[None]:
    """Every test here ends with the system's colours and font again (one QApplication for all)."""
    yield
    appearance.apply(AppearanceSettings())


def record_sampling(window: MainWindow) -> list[SamplingParams]:
    """The sampling parameters of every reply the window starts, as sent to the engine."""
    sent: list[SamplingParams] = []
    start = window.controller.start

    def recording(reply: Reply, remote: RemoteKey | None = None) -> None:
        sent.append(reply.request.params)
        start(reply, remote)

    window.controller.start = recording  # type: ignore[method-assign]
    return sent


def window_color(app: QApplication) -> int:
    return app.palette().color(QPalette.ColorRole.Window).lightness()


def test_every_page_round_trips_through_settings_json(window: MainWindow, tmp_path: Path) -> None:
    d = window.open_settings()
    d.chat.fields["temperature"].setValue(0.4)
    d.chat.system_prompt.setPlainText("You answer in French.")
    d.chat.fields["prompt_cache_mb"].setValue(64)
    d.presets.name.setText("French")
    d.presets.save_current()
    d.documents.fields["chunk_tokens"].setValue(150)
    d.documents.fields["chunk_overlap"].setValue(20)
    d.documents.fields["top_k"].setValue(9)
    d.documents.fields["max_passages"].setValue(3)
    d.documents.chroma_url.setText("http://127.0.0.1:8000")
    d.documents.ocr.setChecked(False)
    d.library.retries.setValue(2)
    d.library.folder.setText(str(tmp_path / "models elsewhere"))
    d.library.proxy.setText("http://127.0.0.1:3128")
    d.library.token.setText("hf_secret_token")
    d.appearance.scheme.setCurrentIndex(d.appearance.scheme.findData("dark"))
    d.appearance.font_size.setValue(13)
    d.appearance.language.setCurrentIndex(d.appearance.language.findData("de"))
    d.accept()

    raw = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert (raw["chat"]["temperature"], raw["chat"]["system_prompt"], raw["chat"]["prompt_cache_mb"]) == (
        0.4, "You answer in French.", 64)  # fmt: skip
    assert raw["presets"][0]["name"] == "French" and raw["presets"][0]["temperature"] == 0.4
    docs = {k: raw["docs"][k] for k in ("chunk_tokens", "chunk_overlap", "top_k", "max_passages")}
    assert docs == {"chunk_tokens": 150, "chunk_overlap": 20, "top_k": 9, "max_passages": 3}
    assert raw["docs"]["chroma_url"] == "http://127.0.0.1:8000" and raw["docs"]["ocr"] is False
    assert raw["models"]["download_retries"] == 2
    assert raw["models"]["models_dir"] == str(tmp_path / "models elsewhere")
    assert raw["models"]["proxy"] == "http://127.0.0.1:3128"
    assert raw["appearance"] == {"color_scheme": "dark", "font_size": 13, "language": "de"}
    assert "hf_secret_token" not in paths.settings_file().read_text(encoding="utf-8")  # the keyring has it
    assert "hf_secret_token" in keyring_file.store().read_text(encoding="utf-8")
    # applied at once, to the objects the pages share
    assert window.docs_panel.settings is window.settings.docs and window.docs_panel.settings.top_k == 9
    assert (
        window.models_page.config.proxy == "http://127.0.0.1:3128" and hub.proxy() == "http://127.0.0.1:3128"
    )
    assert paths.models_dir() == tmp_path / "models elsewhere" and hub.token() == "hf_secret_token"
    assert window.prompt_cache.max_bytes == 64 * 2**20

    again = SettingsDialog(settings.load())  # as the next start shows them
    assert again.chat.fields["temperature"].value() == 0.4
    assert again.chat.system_prompt.toPlainText() == "You answer in French."
    assert again.presets.list.count() == 1 and again.presets.list.item(0).text() == "French"
    assert again.documents.fields["max_passages"].value() == 3
    assert (
        again.documents.chroma_url.text() == "http://127.0.0.1:8000" and not again.documents.ocr.isChecked()
    )
    assert again.library.retries.value() == 2
    assert again.library.folder.text() == str(tmp_path / "models elsewhere")
    assert again.library.token.text() == "" and not again.library.forget_token.isHidden()
    assert again.appearance.scheme.currentData() == "dark" and again.appearance.font_size.value() == 13
    again.library.forget_token.setChecked(True)
    assert again.result_settings().hf_token == ""  # forgetting it is asked for explicitly
    again.deleteLater()


def test_documents_models_and_servers_settings_are_saved_and_applied(
    window: MainWindow, tmp_path: Path
) -> None:
    w = window
    w.settings.api.port = 0  # any free port
    w.api_switch.action.setChecked(True)  # the API runs while its settings change
    forgot: list[bool] = []
    forget = w.controller.runner.forget_remote

    def recording() -> None:
        forgot.append(True)
        forget()

    w.controller.runner.forget_remote = recording  # type: ignore[method-assign]
    d = w.open_settings()
    docs = d.documents
    assert docs.embedding_model.text() == "" and "bundled" in docs.embedding_model.placeholderText()
    assert docs.reindex_note.isHidden()
    embedder = tmp_path / "my-embedder"
    docs.embedding_model.setText(str(embedder))
    assert not docs.reindex_note.isHidden() and "indexed again" in docs.reindex_note.text()
    docs.embedding_model.setText(" bundled ")
    assert docs.reindex_note.isHidden()  # the same model: nothing to index again
    docs.embedding_model.setText(str(embedder))
    advanced = {"page_timeout_s": 30.0, "file_timeout_s": 900.0, "context_fraction": 0.35,
                "keyword_weight": 0.8, "first_token_budget_s": 4.5, "watch_interval_s": 12.5,
                "embed_batch": 16}  # fmt: skip
    for name, value in advanced.items():
        docs.fields[name].setValue(value)
    assert docs.fields["page_timeout_s"].suffix() == " s"
    d.library.search_limit.setValue(50)
    d.library.fit_ctx.setValue(8192)
    d.servers.default_n_ctx.setValue(16384)
    d.servers.connect_timeout.setValue(3)
    d.servers.read_timeout.setValue(120)
    d.servers.queue_size.setValue(9)
    d.servers.cors_origins.setText(" http://localhost:3000 ,, https://app.example")
    # the Remote servers panel saves a server while the dialog is open: accepting keeps it
    servers.save(w.settings.remote, servers.RemoteServer("box", "http://127.0.0.1:9"))
    settings.save(w.settings)
    d.accept()

    raw = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert {k: raw["docs"][k] for k in advanced} == advanced
    assert raw["docs"]["embedding_model"] == str(embedder)
    assert (raw["models"]["search_limit"], raw["models"]["fit_ctx"]) == (50, 8192)
    remote = {k: raw["remote"][k] for k in ("default_n_ctx", "connect_timeout_s", "read_timeout_s")}
    assert remote == {"default_n_ctx": 16384, "connect_timeout_s": 3.0, "read_timeout_s": 120.0}
    assert [s["name"] for s in raw["remote"]["servers"]] == ["box"]
    assert raw["api"]["queue_size"] == 9 and raw["api"]["enabled"] is True
    assert raw["api"]["cors_origins"] == "http://localhost:3000, https://app.example"
    # applied: the shared sections, the Models page's estimates, remote engines, the running API
    assert w.docs_panel.settings is w.settings.docs and w.docs_panel.settings.watch_interval_s == 12.5
    assert w.models_page.config.search_limit == 50 and w.models_page.ctx_box.value() == 8192
    assert forgot == [True]
    engine = w._remote_engine(("box", ""))
    try:
        timeout = engine.http().timeout
        assert (timeout.connect, timeout.read) == (3.0, 120.0)
        assert engine.settings.default_n_ctx == 16384
    finally:
        engine.unload()
    assert w.controller.runner.max_waiting == 9
    server = w.api_switch.server
    assert server is not None and server.config.cors_origins == (
        "http://localhost:3000",
        "https://app.example",
    )
    preflight = httpx.options(f"{server.url}/chat/completions", headers={"Origin": "https://app.example"})
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"

    again = SettingsDialog(settings.load())  # as the next start shows them
    assert again.documents.embedding_model.text() == str(embedder) and again.documents.reindex_note.isHidden()
    assert {k: again.documents.fields[k].value() for k in advanced} == advanced
    assert (again.library.search_limit.value(), again.library.fit_ctx.value()) == (50, 8192)
    assert again.servers.read_timeout.value() == 120.0 and again.servers.queue_size.value() == 9
    assert again.servers.cors_origins.text() == "http://localhost:3000, https://app.example"
    again.deleteLater()
    w.api_switch.action.setChecked(False)


def test_per_model_settings_persist_across_a_restart_and_apply_on_load(
    make_window: Callable[[], MainWindow], qtbot: QtBot, starter_model: Path
) -> None:
    w = make_window()
    qtbot.waitUntil(lambda: w.controller.model_info is not None, timeout=LOAD_TIMEOUT_MS)
    assert w.controller.model_info is not None and w.controller.model_info.n_ctx == 1024  # the global one
    d = w.open_settings()
    assert d.model_page.model is not None and d.model_page.model.resolve() == starter_model.resolve()
    tick, box = d.model_page.rows["n_ctx"]
    tick.setChecked(True)
    box.setValue(768)  # type: ignore[attr-defined]
    for name, value in (("top_k", 3), ("max_tokens", 2)):
        tick, box = d.model_page.rows[name]
        tick.setChecked(True)
        box.setValue(value)  # type: ignore[attr-defined]
    with qtbot.waitSignal(w.controller.model_loaded, timeout=LOAD_TIMEOUT_MS):
        d.accept()  # the context length changed: the model loads again with it
    assert w.controller.model_info is not None and w.controller.model_info.n_ctx == 768
    assert w.settings.chat.n_ctx == 1024 and w.settings.chat.top_k == 40  # the global settings stay
    w.close()

    w2 = make_window()  # a restart
    qtbot.waitUntil(lambda: w2.controller.model_info is not None, timeout=LOAD_TIMEOUT_MS)
    assert w2.controller.model_info is not None and w2.controller.model_info.n_ctx == 768
    sent = record_sampling(w2)
    send_and_wait(qtbot, w2, "Hi")
    assert (sent[-1].top_k, sent[-1].max_tokens) == (3, 2)  # the model's own sampling reaches the engine
    d2 = w2.open_settings()
    tick, box = d2.model_page.rows["n_ctx"]
    assert tick.isChecked() and box.value() == 768  # type: ignore[attr-defined]
    kv_tick, kv = d2.model_page.rows["kv_type"]
    kv_tick.setChecked(True)
    kv.setCurrentText("q8_0")  # type: ignore[attr-defined]
    fa_tick, fa = d2.model_page.rows["flash_attn"]
    assert fa_tick.isChecked() and fa.isChecked()  # type: ignore[attr-defined]  # a quantized V needs it
    assert d2.result_settings().overrides == per_model.ModelOverrides(
        n_ctx=768, top_k=3, max_tokens=2, kv_type="q8_0", flash_attn=True
    )
    d2.reject()


def test_a_preset_applied_changes_the_sampling_sent(window: MainWindow, qtbot: QtBot) -> None:
    sent = record_sampling(window)
    d = window.open_settings()
    for name, value in (("temperature", 0.9), ("top_k", 7), ("max_tokens", 3), ("seed", 42)):
        d.chat.fields[name].setValue(value)
    d.chat.system_prompt.setPlainText("Answer like a pirate.")
    d.presets.name.setText("Pirate")
    d.presets.save_current()
    for name, value in (("temperature", 0.0), ("top_k", 40), ("max_tokens", 2), ("seed", -1)):
        d.chat.fields[name].setValue(value)  # the Chat page back to greedy...
    d.chat.system_prompt.setPlainText("You are a helpful assistant.")
    d.accept()
    send_and_wait(qtbot, window, "Hello")
    assert (sent[-1].temperature, sent[-1].top_k, sent[-1].max_tokens) == (0.0, 40, 2)

    d = window.open_settings()
    assert d.presets.list.currentItem().text() == "Pirate"
    d.presets.use_selected()  # ...and the preset put back on it
    d.accept()
    send_and_wait(qtbot, window, "Hello again")
    assert (sent[-1].temperature, sent[-1].top_k, sent[-1].max_tokens, sent[-1].seed) == (0.9, 7, 3, 42)
    assert window.settings.chat.preset == "Pirate"
    assert window.system_prompt.text() == "Answer like a pirate."  # this chat's system prompt too
    assert window.conversation_id is not None
    assert window.store.conversation(window.conversation_id).system_prompt == "Answer like a pirate."


def test_dark_colours_and_the_font_size_apply_app_wide(qtbot: QtBot, qapp: QApplication) -> None:
    light = window_color(qapp)
    system_size = qapp.font().pointSize()
    appearance.apply(AppearanceSettings("dark", system_size + 4))
    assert window_color(qapp) < 80 < light
    text = qapp.palette().color(QPalette.ColorRole.WindowText).lightness()
    assert text > 180  # readable on it
    assert qapp.font().pointSize() == system_size + 4
    appearance.apply(AppearanceSettings("light", 0))
    assert window_color(qapp) > 180 and qapp.font().pointSize() == system_size
    appearance.apply(AppearanceSettings("dark", 0))
    appearance.apply(AppearanceSettings("system", 0))
    assert window_color(qapp) == light
