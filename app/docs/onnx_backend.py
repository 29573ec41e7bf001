"""The embedding model on onnxruntime: exported once from the sentence-transformers model, int8 weights.

:func:`exported` writes ``model.onnx`` (float32, the transformer only) and ``model-int8.onnx``
(dynamic int8 quantization of its matrix weights) into a folder of :func:`app.paths.cache_dir` named
after the model's weights, once; a failed export leaves nothing half-written. :class:`OnnxEncoder`
runs one of them and pools like the sentence-transformers model it came from (mean over the tokens,
then L2 norm). :func:`export` alone writes the float32 model that the app bundle, which has no
PyTorch, runs (``packaging/export_embedder.py``). Int8 is an opt-in speed-up, not the default: on
CPUs without VNNI its vectors stray from float32's (``bench docs`` reports ``int8_cosine_min``/``_mean``
and its held-out recall).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from app import paths

Precision = Literal["float32", "int8"]
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _key(model_dir: Path) -> str:
    h = hashlib.sha256()
    for name in ("model.safetensors", "pytorch_model.bin", "config.json"):
        f = model_dir / name
        if f.exists():
            st = f.stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    import onnxruntime

    h.update(onnxruntime.__version__.encode())
    return h.hexdigest()[:16]


def exported(model_dir: Path, transformer: Any) -> Path:
    """The folder holding ``model.onnx`` and ``model-int8.onnx`` for ``model_dir`` (exported if missing).

    ``transformer``: the loaded Hugging Face model (``SentenceTransformer[0].auto_model``)."""
    target = paths.cache_dir() / "embedders" / f"{model_dir.name}-{_key(model_dir)}"
    if (target / "model-int8.onnx").exists():
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        export(transformer, work / "model.onnx")
        quantize_dynamic(  # the linear layers only, per output channel: the least loss measured here
            work / "model.onnx",
            work / "model-int8.onnx",
            weight_type=QuantType.QUInt8,
            per_channel=True,
            nodes_to_quantize=_weight_matmuls(work / "model.onnx"),
        )
        try:
            os.replace(work, target)
        except OSError:  # another process exported it meanwhile
            if not (target / "model-int8.onnx").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def export(transformer: Any, out: Path) -> None:
    """Write ``transformer`` (float32, the transformer only: pooling is :class:`OnnxEncoder`'s) to ``out``."""
    import torch

    class Positional(torch.nn.Module):  # the exporter traces positional inputs
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            ids = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            return self.inner(**ids)[0]

    dummy = tuple(torch.ones((2, 8), dtype=torch.long) for _ in _INPUTS)
    axes = {k: {0: "batch", 1: "tokens"} for k in (*_INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():
        # a one-off export: the TorchScript exporter (the one that handles this model without
        # onnxscript) warns that it is no longer the default, and its tracer about constants
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Positional().eval(),
            dummy,
            str(out),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def _weight_matmuls(model: Path) -> list[str]:
    """Names of the MatMul nodes that multiply by a weight (not activation by activation)."""
    import onnx

    graph = onnx.load(str(model)).graph
    weights = {i.name for i in graph.initializer}
    return [n.name for n in graph.node if n.op_type == "MatMul" and n.input[1] in weights]


class OnnxEncoder:
    """Sentence embeddings from an exported model: ``encode(features)`` -> L2-normalised rows."""

    def __init__(self, folder: Path, precision: Precision) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # parallel over batches instead (see Embedder.embed)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        name = "model-int8.onnx" if precision == "int8" else "model.onnx"
        self.session = ort.InferenceSession(str(folder / name), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, features: dict[str, Any]) -> npt.NDArray[np.float32]:
        feed = {k: np.asarray(v, dtype=np.int64) for k, v in features.items() if k in self.inputs}
        if "token_type_ids" in self.inputs and "token_type_ids" not in feed:
            feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
        (hidden,) = self.session.run(["last_hidden_state"], feed)
        mask = feed["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out: npt.NDArray[np.float32] = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return out
