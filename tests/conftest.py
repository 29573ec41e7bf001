"""Shared fixtures: every test gets its own HEARTH_HOME, telemetry off, nothing reaches the internet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app import datafile
from app.models import bundled


@pytest.fixture(autouse=True)
def hearth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Redirect every file the app writes to a fresh tmp dir."""
    home = tmp_path / "hearth-home"
    monkeypatch.setenv("HEARTH_HOME", str(home))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    yield home


@pytest.fixture(scope="session")
def starter_model() -> Path:
    """The bundled SmolLM2-135M GGUF (real llama.cpp inference in tests)."""
    return bundled.starter_model_path()


@pytest.fixture(autouse=True)
def notices() -> Iterator[list[str]]:
    """What the app tells the user about damaged data files during the test (shown once each)."""
    seen: list[str] = []
    datafile.set_reporter(seen.append)
    yield seen
    datafile.set_reporter(None)
