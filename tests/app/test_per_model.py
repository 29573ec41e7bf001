"""Per-model settings: saved per model file, merged over the chat settings, the chat template
override used by the real engine, a damaged file kept aside."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app import datafile, per_model, settings
from app.cancel import CancelToken
from app.chat import context
from app.chat.engine import LocalEngine
from app.chat.types import ChatMessage
from app.errors import HearthError
from app.settings import ChatSettings, LoadParams

TEMPLATE = (
    "{% for m in messages %}[[{{ m.role }}]] {{ m.content }}\n{% endfor %}"
    "{% if add_generation_prompt %}[[assistant]]{% endif %}"
)


def test_overrides_persist_and_merge_over_the_chat_settings(starter_model: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF" + bytes(60))
    chat = ChatSettings(n_ctx=4096, temperature=0.7, top_k=40)
    per_model.put(starter_model, per_model.ModelOverrides(n_ctx=768, temperature=0.2, chat_template=TEMPLATE))
    mine = per_model.effective(chat, starter_model)  # read back from model_settings.json
    assert (mine.n_ctx, mine.temperature, mine.top_k, mine.chat_template) == (768, 0.2, 40, TEMPLATE)
    assert mine.load_params().chat_template == TEMPLATE and mine.sampling().temperature == 0.2
    assert per_model.effective(chat, other) == chat  # another file: the global settings
    assert per_model.effective(chat, tmp_path / "gone.gguf") == chat
    per_model.put(starter_model, per_model.ModelOverrides())  # nothing of its own: the entry goes
    assert per_model.effective(chat, starter_model) == chat
    assert per_model.store_file().read_text().strip() == "{}"


def test_a_file_of_another_size_at_the_same_path_starts_afresh(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(bytes(100))
    per_model.put(model, per_model.ModelOverrides(top_k=3))
    assert per_model.get(model).top_k == 3
    model.write_bytes(bytes(200))  # replaced by another file
    assert per_model.get(model) == per_model.ModelOverrides()


def test_a_damaged_file_is_kept_aside_and_a_mistyped_value_ignored(
    tmp_path: Path, notices: list[str]
) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(bytes(10))
    per_model.store_file().write_text("{not json", encoding="utf-8")
    assert per_model.get(model) == per_model.ModelOverrides()
    (bad,) = per_model.store_file().parent.glob("model_settings.json.bad-*")
    assert bad.read_text() == "{not json" and notices
    per_model.put(model, per_model.ModelOverrides(n_ctx=512))
    raw = per_model.store_file().read_text().replace('"n_ctx": 512', '"n_ctx": "big", "top_k": 5')
    per_model.store_file().write_text(raw, encoding="utf-8")
    assert per_model.get(model) == per_model.ModelOverrides(top_k=5)
    assert any("n_ctx='big'" in n for n in notices)


def test_the_file_is_parsed_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(bytes(10))
    per_model.put(model, per_model.ModelOverrides(top_k=3))
    reads: list[Path] = []
    read_json = datafile.read_json

    def counting(path: Path, what: str, fallback: str) -> dict[str, Any] | None:
        reads.append(path)
        return read_json(path, what, fallback)

    monkeypatch.setattr(datafile, "read_json", counting)
    assert per_model.get(model).top_k == 3 and len(reads) == 1
    assert per_model.get(model).top_k == 3 and len(reads) == 1  # a second send parses nothing
    per_model.put(model, per_model.ModelOverrides(top_k=4))
    assert per_model.get(model).top_k == 4  # what put() wrote is seen at once
    before = len(reads)
    assert per_model.get(model).top_k == 4 and len(reads) == before
    # another process (a CLI command) rewrites the file: its stat changes, it is read again
    raw = per_model.store_file().read_text(encoding="utf-8").replace('"top_k": 4', '"top_k": 12')
    per_model.store_file().write_text(raw, encoding="utf-8")
    assert per_model.get(model).top_k == 12 and len(reads) == before + 1
    per_model.store_file().unlink()
    assert per_model.get(model) == per_model.ModelOverrides()


def test_the_template_override_reaches_llama_cpp(starter_model: Path) -> None:
    engine = LocalEngine()
    messages = [ChatMessage("system", "Be brief."), ChatMessage("user", "Hello there")]
    try:
        engine.load(starter_model, LoadParams(n_ctx=512, chat_template=TEMPLATE))
        loaded = engine._loaded
        assert loaded is not None
        prompt = context.fit_prompt(loaded.llm, loaded.formatter, messages, 8).tokens
        text = loaded.llm.detokenize(prompt, special=True).decode()
        assert "[[system]] Be brief.\n[[user]] Hello there\n[[assistant]]" in text
        assert "<|im_start|>" not in text  # not the model's own (ChatML) template
        events = list(
            engine.stream(messages, settings.SamplingParams(max_tokens=4, temperature=0.0), CancelToken())
        )
        assert events  # the engine answers with the override
        engine.load(starter_model, LoadParams(n_ctx=512))  # without it: the model's own again
        loaded = engine._loaded
        assert loaded is not None
        prompt = context.fit_prompt(loaded.llm, loaded.formatter, messages, 8).tokens
        assert "<|im_start|>user" in loaded.llm.detokenize(prompt, special=True).decode()
        with pytest.raises(HearthError, match="not a valid Jinja template"):
            engine.load(starter_model, replace(LoadParams(n_ctx=512), chat_template="{% for %}"))
    finally:
        engine.unload()


def test_a_preset_round_trips_through_settings_json() -> None:
    s = settings.Settings()
    preset = settings.Preset(
        "Terse", "Answer in one line.", settings.SamplingParams(temperature=0.1, top_k=5)
    )
    s.set_presets([preset])
    settings.save(s)
    loaded = settings.load()
    assert loaded.preset_list() == [preset]
    chat = loaded.preset_list()[0].apply(loaded.chat)
    assert (chat.system_prompt, chat.temperature, chat.top_k, chat.preset) == (
        "Answer in one line.",
        0.1,
        5,
        "Terse",
    )
