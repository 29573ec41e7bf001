"""Shared fixtures: every test gets its own HEARTH_HOME, telemetry off, nothing reaches the internet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models import bundled


@pytest.fixture(scope="session")
def bandwidth_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """This machine's memory bandwidth cache file, measured once per session (the app measures it once
    per machine; every test home starts with it, as a home after the first run does)."""
    from app import hardware

    home = tmp_path_factory.mktemp("bandwidth-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HEARTH_HOME", str(home))
        hardware.memory_bandwidth()
        return (home / "cache" / hardware.BANDWIDTH_FILE).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def hearth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bandwidth_file: str) -> Iterator[Path]:
    """Redirect every file the app writes to a fresh tmp dir."""
    from app import hardware

    home = tmp_path / "hearth-home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / hardware.BANDWIDTH_FILE).write_text(bandwidth_file, encoding="utf-8")
    monkeypatch.setenv("HEARTH_HOME", str(home))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # no Hub unless a test starts the loopback one
    yield home


@pytest.fixture(scope="session")
def starter_model() -> Path:
    """The bundled SmolLM2-135M GGUF (real llama.cpp inference in tests)."""
    return bundled.starter_model_path()


@pytest.fixture(scope="session")
def synthetic_small() -> Path:
    """A synthetic llama GGUF (4 × 1024, random weights, the starter's tokenizer), ~70 MB at Q4_K_M:
    slow enough at reading prompts for Stop and progress to be observable. Built once, cached."""
    from tests.support import synthetic_model

    return synthetic_model.build("small")
