"""The real MiniLM embedder: unit rows, bfloat16 only on bfloat16 hardware (within its documented bound),
opt-in int8 on onnxruntime, float32 on onnxruntime where PyTorch is missing (the bundle), and no global
Hub switch."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from app.docs import embeddings, onnx_backend
from app.docs.embeddings import FIDELITY_COSINE, ONNX_COSINE, Embedder, native_bf16
from app.errors import HearthError

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


def test_auto_precision_follows_the_hardware(embedder: Embedder) -> None:
    assert embedder.precision == ("bfloat16" if native_bf16() else "float32")


def test_bfloat16_stays_within_the_documented_bound_of_float32() -> None:
    if not native_bf16():
        pytest.skip("this CPU has no bfloat16 hardware (AMX or AVX-512 BF16): bfloat16 is not used here")
    bf16, fp32 = Embedder(precision="bfloat16"), Embedder(precision="float32")
    assert bf16.precision == "bfloat16"
    cos = np.sum(bf16.embed(TEXTS) * fp32.embed(TEXTS), axis=1)
    assert float(cos.min()) >= FIDELITY_COSINE  # the same model either way: one index can hold both


def test_int8_runs_on_onnxruntime_from_a_cached_export() -> None:
    int8 = Embedder(precision="int8")
    assert int8.precision == "int8" and int8._onnx is not None
    vecs = int8.embed(TEXTS)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    fp32 = Embedder(precision="float32").embed(TEXTS)
    assert int(np.argmax(vecs @ fp32[0])) == 0  # close, not exact: bench docs reports how close


def test_loading_does_not_switch_the_hub_off_for_the_rest_of_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    Embedder()
    assert "HF_HUB_OFFLINE" not in os.environ  # the model library's Hub access must keep working


def _without_torch(monkeypatch: pytest.MonkeyPatch, model_dir: Path, onnx: Path | None) -> None:
    """The bundled model's files under ``model_dir`` (plus ``onnx/model.onnx``), as if PyTorch were absent."""
    for f in embeddings.bundled_model_dir().iterdir():
        (model_dir / f.name).symlink_to(f)
    if onnx is not None:
        (model_dir / "onnx").mkdir()
        (model_dir / "onnx" / "model.onnx").symlink_to(onnx)
    monkeypatch.setattr(embeddings, "torch_installed", lambda: False)


def test_without_pytorch_float32_runs_on_onnxruntime_as_pytorch_does(
    embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch_model = Embedder(precision="float32")
    folder = onnx_backend.exported(torch_model.path, torch_model._model[0].auto_model)
    model_dir = tmp_path / "all-MiniLM-L6-v2"
    model_dir.mkdir()
    _without_torch(monkeypatch, model_dir, folder / "model.onnx")
    bundle = Embedder(str(model_dir), precision="auto")
    assert bundle._model is None and bundle.precision == "float32" and not native_bf16()
    assert (bundle.dim, bundle.max_tokens) == (torch_model.dim, torch_model.max_tokens)
    long = " ".join(["The cooling loop of the reactor is inspected by two engineers."] * 40)  # > 256 pieces
    texts = [*TEXTS, long, "x"]
    assert [bundle.count_tokens(t) for t in texts] == [torch_model.count_tokens(t) for t in texts]
    cos = np.sum(bundle.embed(texts, batch_size=2) * torch_model.embed(texts, batch_size=2), axis=1)
    assert float(cos.min()) >= ONNX_COSINE  # one index serves the bundle and a source install


def test_without_pytorch_a_model_with_no_onnx_export_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_torch(monkeypatch, tmp_path, None)
    with pytest.raises(HearthError, match="needs PyTorch"):
        Embedder(str(tmp_path))
