"""A synthetic real-size model: a llama-architecture GGUF with random weights and the starter's
tokenizer and chat template, for tests and benchmarks on machines that have no real 1–8B model.

Its text is gibberish; its costs are real: llama.cpp reads prompts and generates at the speed a
model of that shape and quantization has, and allocates the memory it needs. The F16 file is
written with llama.cpp's own ``gguf`` package, then quantized with ``llama_model_quantize`` (bound
in llama-cpp-python), once, into a cache outside the repository (``$XDG_CACHE_HOME/hearth/synthetic``,
or ``$HEARTH_SYNTHETIC_CACHE``); later calls return the cached file.

Specs: ``large`` is the 0.8B model of the benchmarks (16 layers × 2048, 32 query / 8 KV heads, FFN
5632, Q4_K_M ≈ 490 MiB); ``small`` (4 × 1024) keeps tests that need a slow prompt read fast to build.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

BUILDER_VERSION = 1  # bump when the file layout changes: cached files are rebuilt


@dataclass(frozen=True)
class Spec:
    n_layers: int
    n_embd: int
    n_head: int
    n_head_kv: int
    n_ff: int
    ftype: str = "Q4_K_M"  # a llama_ftype name: LLAMA_FTYPE_MOSTLY_<ftype>
    context_length: int = 8192


SPECS = {
    "large": Spec(n_layers=16, n_embd=2048, n_head=32, n_head_kv=8, n_ff=5632),
    "small": Spec(n_layers=4, n_embd=1024, n_head=16, n_head_kv=4, n_ff=2816),
}


def cache_dir() -> Path:
    env = os.environ.get("HEARTH_SYNTHETIC_CACHE")
    root = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hearth"
    path = root / "synthetic" if not env else root
    path.mkdir(parents=True, exist_ok=True)
    return path


def build(spec: str | Spec = "large") -> Path:
    """The synthetic model for ``spec`` (a name in :data:`SPECS` or a :class:`Spec`), built on first use."""
    import llama_cpp

    s = SPECS[spec] if isinstance(spec, str) else spec
    key = json.dumps([BUILDER_VERSION, asdict(s), llama_cpp.__version__], sort_keys=True)
    name = spec if isinstance(spec, str) else "custom"
    out = cache_dir() / f"synthetic-{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.gguf"
    if out.is_file():
        return out
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".build-") as tmp:
        f16 = Path(tmp) / "f16.gguf"
        _write_f16(s, f16)
        part = Path(tmp) / out.name
        _quantize(f16, part, s.ftype)
        os.replace(part, out)  # atomic: a concurrent builder's file is as good as ours
    return out


def _write_f16(s: Spec, path: Path) -> None:
    import numpy as np
    from gguf import GGUFReader, GGUFValueType, GGUFWriter

    from app.models.bundled import starter_model_path

    starter = GGUFReader(str(starter_model_path()))
    writer = GGUFWriter(str(path), arch="llama")
    writer.add_name(f"Hearth synthetic {s.n_layers}x{s.n_embd}")
    writer.add_block_count(s.n_layers)
    writer.add_context_length(s.context_length)
    writer.add_embedding_length(s.n_embd)
    writer.add_feed_forward_length(s.n_ff)
    writer.add_head_count(s.n_head)
    writer.add_head_count_kv(s.n_head_kv)
    writer.add_rope_dimension_count(s.n_embd // s.n_head)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(1)  # mostly F16
    n_vocab = 0
    for key, field in starter.fields.items():
        if key.startswith("tokenizer."):
            sub = field.types[1] if field.types[0] == GGUFValueType.ARRAY else None
            writer.add_key_value(key, field.contents(), field.types[0], sub)
            if key == "tokenizer.ggml.tokens":
                n_vocab = len(field.contents())
    writer.add_vocab_size(n_vocab)

    # weights in F16 (the writer types tensors by their numpy dtype): slices of one pool of
    # N(0, 0.02) values, since independent draws per tensor cost ~10x more time and change nothing
    # that is measured; norms are ones
    rng = np.random.default_rng(0)
    pool = (rng.standard_normal(1 << 22, dtype=np.float32) * 0.02).astype(np.float16)

    def weight(rows: int, cols: int) -> np.ndarray:
        start = int(rng.integers(0, pool.size))
        return np.resize(np.roll(pool, -start), (rows, cols))

    kv = s.n_embd // s.n_head * s.n_head_kv
    ones = np.ones(s.n_embd, dtype=np.float32)
    writer.add_tensor("token_embd.weight", weight(n_vocab, s.n_embd))
    writer.add_tensor("output_norm.weight", ones)
    for i in range(s.n_layers):
        blk = f"blk.{i}."
        writer.add_tensor(blk + "attn_norm.weight", ones)
        writer.add_tensor(blk + "attn_q.weight", weight(s.n_embd, s.n_embd))
        writer.add_tensor(blk + "attn_k.weight", weight(kv, s.n_embd))
        writer.add_tensor(blk + "attn_v.weight", weight(kv, s.n_embd))
        writer.add_tensor(blk + "attn_output.weight", weight(s.n_embd, s.n_embd))
        writer.add_tensor(blk + "ffn_norm.weight", ones)
        writer.add_tensor(blk + "ffn_gate.weight", weight(s.n_ff, s.n_embd))
        writer.add_tensor(blk + "ffn_up.weight", weight(s.n_ff, s.n_embd))
        writer.add_tensor(blk + "ffn_down.weight", weight(s.n_embd, s.n_ff))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _quantize(src: Path, dst: Path, ftype: str) -> None:
    import llama_cpp

    from app import hardware

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{ftype}")
    params.nthread = hardware.physical_cores()
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0:
        raise RuntimeError(f"llama_model_quantize failed ({rc}) for {src}")
