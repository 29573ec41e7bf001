"""Shared fixtures: every test gets its own HEARTH_HOME and keyring, telemetry off, no proxy, nothing
reaches the internet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models import bundled
from tests.support import keyring_file
from tests.support.openai_server import Running, llama_cpp_server


@pytest.fixture(autouse=True)
def hearth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Redirect every file the app writes to a fresh tmp dir."""
    home = tmp_path / "hearth-home"
    monkeypatch.setenv("HEARTH_HOME", str(home))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", keyring_file.BACKEND)  # never the developer's keyring
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):  # loopback servers, directly
        monkeypatch.delenv(proxy, raising=False)
        monkeypatch.delenv(proxy.lower(), raising=False)
    yield home


@pytest.fixture(scope="session")
def starter_model() -> Path:
    """The bundled SmolLM2-135M GGUF (real llama.cpp inference in tests)."""
    return bundled.starter_model_path()


@pytest.fixture(scope="session")
def llama_server(starter_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """llama-cpp-python's own OpenAI-compatible server on the starter model, on 127.0.0.1."""
    with llama_cpp_server(starter_model, tmp_path_factory.mktemp("llama-server")) as running:
        yield running


@pytest.fixture(scope="session")
def synthetic_small() -> Path:
    """A synthetic llama GGUF (4 × 1024, random weights, the starter's tokenizer), ~70 MB at Q4_K_M:
    slow enough at reading prompts for Stop and progress to be observable. Built once, cached."""
    from tests.support import synthetic_model

    return synthetic_model.build("small")
