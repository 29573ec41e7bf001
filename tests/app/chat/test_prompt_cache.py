"""The disk prompt cache with real llama.cpp states: restore, and never trust a bad file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cancel import CancelToken
from app.chat.engine import LocalEngine
from app.chat.prompt_cache import PromptCache
from app.chat.types import ChatMessage, Stats, Token
from app.settings import LoadParams, SamplingParams

GREEDY = SamplingParams(temperature=0.0, max_tokens=12, seed=1)
HISTORY = [
    ChatMessage("system", "You are a patient teacher."),
    ChatMessage("user", "Explain how tides work. " + "Be thorough and use examples. " * 30),
]


def reply(engine: LocalEngine, messages: list[ChatMessage]) -> tuple[str, Stats]:
    text, stats = "", None
    for ev in engine.stream(messages, GREEDY, CancelToken()):
        if isinstance(ev, Token):
            text += ev.text
        elif isinstance(ev, Stats):
            stats = ev
    assert stats is not None
    return text, stats


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "kv"


def engine_with(cache_dir: Path, starter_model: Path, budget: int = 2**30) -> LocalEngine:
    cache_dir.mkdir(exist_ok=True)
    eng = LocalEngine(PromptCache(cache_dir, budget))
    eng.load(starter_model, LoadParams(n_ctx=2048))
    return eng


@pytest.fixture
def saved(cache_dir: Path, starter_model: Path) -> Iterator[tuple[list[ChatMessage], str]]:
    """A first turn answered and checkpointed (as before a restart), and the follow-up's answer
    from the same engine continuing in memory (what a restored state must reproduce exactly)."""
    eng = engine_with(cache_dir, starter_model)
    text, _ = reply(eng, HISTORY)
    eng.checkpoint()
    follow_up = [*HISTORY, ChatMessage("assistant", text), ChatMessage("user", "And in lakes?")]
    in_memory, stats = reply(eng, follow_up)
    assert stats.cached_tokens > 100 and stats.restored_tokens == 0
    eng.unload()
    yield follow_up, in_memory


def test_next_turn_after_restart_restores_the_state(
    saved: tuple[list[ChatMessage], str], cache_dir: Path, starter_model: Path
) -> None:
    follow_up, in_memory = saved
    assert len(list(cache_dir.glob("*.kv"))) == 1
    restored = engine_with(cache_dir, starter_model)
    text, stats = reply(restored, follow_up)
    assert stats.restored_tokens > 100 and stats.cached_tokens == stats.restored_tokens
    assert text == in_memory  # the same KV cache as the engine that never stopped
    restored.checkpoint()  # the longer state supersedes the first one
    assert len(list(cache_dir.glob("*.kv"))) == 1


@pytest.mark.parametrize("damage", ["flip", "truncate", "sidecar", "foreign"])
def test_bad_state_files_are_ignored_and_rebuilt(
    saved: tuple[list[ChatMessage], str], cache_dir: Path, starter_model: Path, damage: str
) -> None:
    follow_up, _ = saved
    (state,) = cache_dir.glob("*.kv")
    sidecar = state.with_suffix(".json")
    data = bytearray(state.read_bytes())
    if damage == "flip":  # a bit flip inside the KV data: same size, wrong hash
        data[len(data) // 2] ^= 0xFF
        state.write_bytes(bytes(data))
    elif damage == "truncate":
        state.write_bytes(bytes(data[: len(data) // 3]))
    elif damage == "sidecar":
        sidecar.write_text("{not json")
    else:  # a state recorded for another model file: its identity never matches
        record = json.loads(sidecar.read_text())
        record["identity"]["model"] = "/elsewhere/other.gguf"
        sidecar.write_text(json.dumps(record))
    eng = engine_with(cache_dir, starter_model)
    text, stats = reply(eng, follow_up)
    assert stats.restored_tokens == 0 and text.strip()
    if damage != "foreign":
        assert not state.exists()  # dropped, never trusted
    eng.checkpoint()  # rebuilt from the conversation read again
    assert any(p != state for p in cache_dir.glob("*.kv"))


def test_budget_evicts_least_recently_used(cache_dir: Path, starter_model: Path) -> None:
    eng = engine_with(cache_dir, starter_model)
    sizes = []
    for topic in ("tides", "volcanoes", "glaciers"):
        reply(eng, [ChatMessage("user", f"Tell me about {topic}. " + "Use many details. " * 30)])
        eng.checkpoint()
        sizes.append(sum(p.stat().st_size for p in cache_dir.glob("*.kv")))
    assert len(list(cache_dir.glob("*.kv"))) == 3
    one = sizes[0]
    small = PromptCache(cache_dir, int(one * 1.5))  # room for one state only
    small.save({"x": 1}, [1, 2, 3], lambda p: p.write_bytes(b"z" * 10))
    assert small.usage_bytes() <= one * 1.5 + 4096
    small.clear()
    assert small.usage_bytes() == 0


def test_disabled_cache_writes_nothing(cache_dir: Path, starter_model: Path) -> None:
    eng = engine_with(cache_dir, starter_model, budget=0)
    reply(eng, HISTORY)
    eng.checkpoint()
    assert not list(cache_dir.iterdir())
