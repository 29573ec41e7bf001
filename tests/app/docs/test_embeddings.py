"""The real MiniLM embedder: unit rows, bfloat16 only on bfloat16 hardware, and no global Hub switch."""

from __future__ import annotations

import os

import numpy as np
import pytest

from app.docs.embeddings import Embedder, native_bf16

TEXTS = [
    "The reactor cooling loop is inspected every ninety days.",
    "Invoices are paid within thirty days of receipt.",
    "Le château se trouve au sommet de la colline.",
]


def test_rows_are_unit_vectors_and_related_texts_are_closer(embedder: Embedder) -> None:
    vecs = embedder.embed([*TEXTS, "How often is the cooling loop of the reactor checked?"])
    assert vecs.shape == (4, embedder.dim) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    sims = vecs[:3] @ vecs[3]
    assert int(np.argmax(sims)) == 0


def test_precision_follows_the_hardware_and_matches_float32(embedder: Embedder) -> None:
    assert embedder.precision == ("bfloat16" if native_bf16() else "float32")
    fp32 = Embedder(precision="float32")
    assert fp32.precision == "float32"
    cos = np.sum(embedder.embed(TEXTS) * fp32.embed(TEXTS), axis=1)
    assert float(cos.min()) > 0.99  # the same model either way: one index can hold both


def test_loading_does_not_switch_the_hub_off_for_the_rest_of_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    Embedder()
    assert "HF_HUB_OFFLINE" not in os.environ  # the model library's Hub access must keep working
