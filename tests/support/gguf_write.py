"""A small GGUF writer: makes real, loadable-by-our-reader model files for tests and benchmarks.

Values are typed from Python: ``bool`` → BOOL, ``int`` → UINT32 (INT64 if it does not fit),
``float`` → FLOAT32, ``str`` → STRING, lists → arrays of the first element's type. Tensor data
is deterministic filler of the right size, so files have real layouts and sha256 digests.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from app.models.gguf import (
    GGML_TYPES,
    T_ARRAY,
    T_BOOL,
    T_FLOAT32,
    T_INT64,
    T_STRING,
    T_UINT32,
    tensor_nbytes,
)

TensorSpec = tuple[str, int, Sequence[int]]  # name, ggml type id, shape


def _type_of(value: Any) -> int:
    if isinstance(value, bool):
        return T_BOOL
    if isinstance(value, int):
        return T_UINT32 if 0 <= value < 2**32 else T_INT64
    if isinstance(value, float):
        return T_FLOAT32
    if isinstance(value, str):
        return T_STRING
    if isinstance(value, list):
        return T_ARRAY
    raise TypeError(f"cannot store {type(value).__name__} in GGUF")


def _string(s: str) -> bytes:
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def _scalar(vtype: int, value: Any) -> bytes:
    fmt = {T_BOOL: "<?", T_UINT32: "<I", T_INT64: "<q", T_FLOAT32: "<f"}
    if vtype == T_STRING:
        return _string(value)
    return struct.pack(fmt[vtype], value)


def _value(value: Any) -> bytes:
    vtype = _type_of(value)
    if vtype != T_ARRAY:
        return struct.pack("<I", vtype) + _scalar(vtype, value)
    etype = _type_of(value[0]) if value else T_UINT32
    if etype == T_UINT32 and any(v < 0 or v >= 2**32 for v in value):
        etype = T_INT64
    body = b"".join(_scalar(etype, v) for v in value)
    return struct.pack("<I", T_ARRAY) + struct.pack("<IQ", etype, len(value)) + body


def write(path: Path, metadata: dict[str, Any], tensors: Sequence[TensorSpec], alignment: int = 32) -> Path:
    """Write a GGUF v3 file with ``metadata`` and ``tensors`` (filler data); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        _write(fh, metadata, tensors, alignment)
    return path


def _write(fh: BinaryIO, metadata: dict[str, Any], tensors: Sequence[TensorSpec], alignment: int) -> None:
    head = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata)))
    for key, value in metadata.items():
        head += _string(key) + _value(value)
    offset = 0
    sizes = []
    for name, ttype, shape in tensors:
        if ttype not in GGML_TYPES:
            raise ValueError(f"unknown ggml type {ttype}")
        n_el = 1
        for d in shape:
            n_el *= d
        size = tensor_nbytes(ttype, n_el)
        head += _string(name) + struct.pack("<I", len(shape))
        head += b"".join(struct.pack("<Q", d) for d in shape)
        head += struct.pack("<IQ", ttype, offset)
        sizes.append(size)
        offset += (size + alignment - 1) // alignment * alignment
    head += b"\0" * (-len(head) % alignment)
    fh.write(head)
    for i, size in enumerate(sizes):
        chunk = bytes([(i * 37 + 11) % 251]) * size
        fh.write(chunk + b"\0" * (-size % alignment))


def tiny_llama(
    path: Path,
    n_layers: int = 2,
    n_embd: int = 64,
    n_head: int = 4,
    n_head_kv: int = 2,
    n_vocab: int = 128,
    arch: str = "llama",
    file_type: int = 2,
    extra: dict[str, Any] | None = None,
) -> Path:
    """A small llama-shaped GGUF (Q4_0 matrices, F32 norms) with a tokenizer and chat template."""
    n_ff = n_embd * 2
    head_dim = n_embd // n_head
    meta: dict[str, Any] = {
        "general.architecture": arch,
        "general.name": f"tiny-{arch}",
        "general.file_type": file_type,
        f"{arch}.block_count": n_layers,
        f"{arch}.context_length": 2048,
        f"{arch}.embedding_length": n_embd,
        f"{arch}.feed_forward_length": n_ff,
        f"{arch}.attention.head_count": n_head,
        f"{arch}.attention.head_count_kv": n_head_kv,
        "tokenizer.ggml.model": "gpt2",
        "tokenizer.ggml.tokens": [f"t{i}" for i in range(n_vocab)],
        "tokenizer.ggml.scores": [0.0] * n_vocab,
        "tokenizer.chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}",
    }
    meta.update(extra or {})
    q = 2  # Q4_0
    tensors: list[TensorSpec] = [("token_embd.weight", q, (n_embd, n_vocab))]
    for i in range(n_layers):
        tensors += [
            (f"blk.{i}.attn_norm.weight", 0, (n_embd,)),
            (f"blk.{i}.attn_q.weight", q, (n_embd, n_embd)),
            (f"blk.{i}.attn_k.weight", q, (n_embd, head_dim * n_head_kv)),
            (f"blk.{i}.attn_v.weight", q, (n_embd, head_dim * n_head_kv)),
            (f"blk.{i}.attn_output.weight", q, (n_embd, n_embd)),
            (f"blk.{i}.ffn_norm.weight", 0, (n_embd,)),
            (f"blk.{i}.ffn_gate.weight", q, (n_embd, n_ff)),
            (f"blk.{i}.ffn_up.weight", q, (n_embd, n_ff)),
            (f"blk.{i}.ffn_down.weight", q, (n_ff, n_embd)),
        ]
    tensors.append(("output_norm.weight", 0, (n_embd,)))
    return write(path, meta, tensors)
