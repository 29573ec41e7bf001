"""GGUF header reader over any seekable byte source (a local file or a ranged remote reader).

Only the header is read: key/value metadata and tensor descriptions, never tensor data. Every
count and length read from the file is bounded before anything is allocated, so a truncated or
hostile header gives a :class:`GgufError` with a plain message instead of a hang or a giant
allocation (cf. llama.cpp GGUF CVEs). Large arrays that Hearth does not need (the tokenizer
vocabulary, scores, merges) are skipped with ``seek`` when their elements have a fixed size, and
read-and-dropped when they are strings, so a remote reader only fetches the header bytes. The
numbers Hearth computes with (layers, widths, heads, context, split count) must be plausible
integers: a header claiming 4 billion layers is refused, not planned.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.errors import HearthError
from app.i18n import tr

MAGIC = b"GGUF"
MAX_TENSORS = 100_000
MAX_KV = 10_000
MAX_STRING = 16 * 2**20  # chat templates are a few KiB; 16 MiB is generous
MAX_ARRAY = 16_000_000  # largest vocabularies are ~260k tokens
MAX_DIMS = 8
MAX_NAME = 1024  # tensor names (GGML_MAX_NAME is 64)
KEEP_ARRAY = 64  # arrays longer than this are skipped, only their length is kept
# upper bounds of the numbers the memory plan loops over or multiplies (real models: ~130 layers,
# widths of a few 10k, contexts of a few million)
LIMITS = {"block_count": 4096, "embedding_length": 2**20, "feed_forward_length": 2**22,
          "context_length": 2**31, "attention.head_count": 2**16, "attention.head_count_kv": 2**16,
          "attention.key_length": 2**16, "attention.value_length": 2**16,
          "attention.sliding_window": 2**31, "vocab_size": 2**24}  # fmt: skip
_STRING_BLOCK = 64 * 1024
_U64 = struct.Struct("<Q")

# ggml value types in the KV section
T_UINT8, T_INT8, T_UINT16, T_INT16, T_UINT32, T_INT32, T_FLOAT32, T_BOOL = range(8)
T_STRING, T_ARRAY, T_UINT64, T_INT64, T_FLOAT64 = range(8, 13)
_SCALAR = {
    T_UINT8: "<B",
    T_INT8: "<b",
    T_UINT16: "<H",
    T_INT16: "<h",
    T_UINT32: "<I",
    T_INT32: "<i",
    T_FLOAT32: "<f",
    T_BOOL: "<?",
    T_UINT64: "<Q",
    T_INT64: "<q",
    T_FLOAT64: "<d",
}

# ggml tensor types: id -> (name, elements per block, bytes per block), from ggml.c type_traits
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    9: ("Q8_1", 32, 36),
    10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210),
    15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66),
    17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18),
    21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82),
    23: ("IQ4_XS", 256, 136),
    24: ("I8", 1, 1),
    25: ("I16", 1, 2),
    26: ("I32", 1, 4),
    27: ("I64", 1, 8),
    28: ("F64", 1, 8),
    29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2),
    34: ("TQ1_0", 256, 54),
    35: ("TQ2_0", 256, 66),
    39: ("MXFP4", 32, 17),
}

# llama_ftype values stored in general.file_type
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M",
    30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
}  # fmt: skip

_LAYER = re.compile(r"^blk\.(\d+)\.")


class GgufError(HearthError):
    """The file is not a GGUF model Hearth can read (truncated, corrupt or hostile header)."""


class Source(Protocol):
    def read(self, n: int, /) -> bytes: ...
    def seek(self, offset: int, whence: int = 0, /) -> int: ...
    def tell(self) -> int: ...


@dataclass(frozen=True)
class Tensor:
    name: str
    type_name: str
    shape: tuple[int, ...]
    offset: int  # relative to the start of the tensor data
    n_elements: int
    n_bytes: int

    @property
    def layer(self) -> int | None:
        m = _LAYER.match(self.name)
        return int(m.group(1)) if m else None


@dataclass
class GgufInfo:
    """What Hearth needs to know about a model, from its header alone."""

    version: int
    metadata: dict[str, Any] = field(repr=False)  # scalars, short arrays; long arrays: "<array of N>"
    tensors: list[Tensor] = field(repr=False)
    data_offset: int  # where tensor data starts (aligned)
    header_bytes_read: int = 0
    array_lengths: dict[str, int] = field(default_factory=dict)
    bytes_fetched: int = 0  # for remote sources: bytes actually transferred (set by the caller)

    def _arch_key(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(f"{self.architecture}.{key}", default)

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", ""))

    @property
    def file_type(self) -> str:
        ft = self.metadata.get("general.file_type")
        if isinstance(ft, int) and ft in FILE_TYPES:
            return FILE_TYPES[ft]
        # no file_type key: the most common weight type among 2-D tensors
        sizes: dict[str, int] = {}
        for t in self.tensors:
            if len(t.shape) >= 2:
                sizes[t.type_name] = sizes.get(t.type_name, 0) + t.n_bytes
        return max(sizes, key=lambda k: sizes[k]) if sizes else "unknown"

    @property
    def parameter_count(self) -> int:
        return sum(t.n_elements for t in self.tensors)

    @property
    def weights_bytes(self) -> int:
        return sum(t.n_bytes for t in self.tensors)

    @property
    def n_layers(self) -> int:
        return int(self._arch_key("block_count", 0) or 0)

    @property
    def n_embd(self) -> int:
        return int(self._arch_key("embedding_length", 0) or 0)

    @property
    def n_head(self) -> int:
        return _first(self._arch_key("attention.head_count", 0))

    @property
    def n_head_kv(self) -> int:
        return _first(self._arch_key("attention.head_count_kv", self.n_head)) or self.n_head

    @property
    def n_ff(self) -> int:
        return _first(self._arch_key("feed_forward_length", 0))

    @property
    def key_length(self) -> int:
        default = self.n_embd // self.n_head if self.n_head else 0
        return int(self._arch_key("attention.key_length", default) or default)

    @property
    def value_length(self) -> int:
        default = self.n_embd // self.n_head if self.n_head else 0
        return int(self._arch_key("attention.value_length", default) or default)

    @property
    def context_length(self) -> int:
        return int(self._arch_key("context_length", 0) or 0)

    @property
    def sliding_window(self) -> int:
        return int(self._arch_key("attention.sliding_window", 0) or 0)

    @property
    def swa_pattern(self) -> int:
        """Every N-th layer uses full attention, the others the sliding window (0 = no SWA).

        llama.cpp hard-codes the pattern per architecture (gemma3: 6, gemma2: 2, cohere2: 4);
        newer files may also carry ``<arch>.attention.sliding_window_pattern``.
        """
        if not self.sliding_window:
            return 0
        stored = self._arch_key("attention.sliding_window_pattern")
        if isinstance(stored, int) and stored > 0:
            return stored
        return {"gemma3": 6, "gemma2": 2, "cohere2": 4, "gemma3n": 5}.get(self.architecture, 0)

    @property
    def n_vocab(self) -> int:
        return self.array_lengths.get("tokenizer.ggml.tokens", 0) or int(self._arch_key("vocab_size", 0) or 0)

    @property
    def has_chat_template(self) -> bool:
        return bool(self.metadata.get("tokenizer.chat_template"))

    @property
    def split_count(self) -> int:
        return int(self.metadata.get("split.count", 1) or 1)

    def layer_bytes(self) -> list[int]:
        """Weight bytes per repeating layer (``blk.N.*``), for a GPU layer split."""
        out = [0] * self.n_layers
        for t in self.tensors:
            idx = t.layer
            if idx is not None and 0 <= idx < len(out):
                out[idx] += t.n_bytes
        return out


def _first(value: Any) -> int:
    """Per-layer arrays (some models vary head counts by layer): take the maximum (0 when the
    array was too long to keep)."""
    if isinstance(value, list):
        return max((int(v) for v in value), default=0)
    return value if isinstance(value, int) else 0


def _check_numbers(metadata: dict[str, Any]) -> None:
    """Refuse headers whose numbers are not plausible non-negative integers (see :data:`LIMITS`)."""
    arch = metadata.get("general.architecture")
    keys = [(f"{arch}.{k}", limit) for k, limit in LIMITS.items()] + [("split.count", 99_999)]
    for key, limit in keys:
        value = metadata.get(key)
        if value is None or (isinstance(value, str) and value.startswith("<array of")):
            continue
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= limit for v in items):
            raise GgufError(
                tr("The GGUF header has an impossible {key} ({value}); it looks corrupt.").format(
                    key=key, value=str(value)[:40]
                )
            )


def tensor_nbytes(type_id: int, n_elements: int) -> int:
    if type_id not in GGML_TYPES:
        raise GgufError(tr("Unknown tensor type {type} in the GGUF file.").format(type=type_id))
    _, block, size = GGML_TYPES[type_id]
    return (n_elements + block - 1) // block * size


class _Reader:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.start = src.tell()
        self.consumed = 0

    def raw(self, n: int) -> bytes:
        data = self.src.read(n)
        if len(data) != n:
            raise GgufError(tr("The GGUF file is truncated: it ends inside its header."))
        self.consumed += n
        return data

    def skip(self, n: int) -> None:
        # skipping is like reading for bookkeeping, but lets a ranged source avoid fetching the bytes
        self.src.seek(n, 1)
        self.consumed += n

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.raw(struct.calcsize(fmt)))[0]

    def u64(self) -> int:
        return int(self.unpack("<Q"))

    def string(self, limit: int = MAX_STRING) -> str:
        n = self.u64()
        if n > limit:
            raise GgufError(
                tr("The GGUF header has an oversized string ({n} bytes); the file looks corrupt.").format(n=n)
            )
        return self.raw(n).decode("utf-8", errors="replace")

    def skip_strings(self, n: int) -> None:
        """Skip ``n`` length-prefixed strings (a vocabulary: up to ~260k) reading 64 KiB blocks
        instead of a read and a seek per string (10x faster on a 262k-token header)."""
        truncated = GgufError(tr("The GGUF file is truncated: it ends inside its header."))
        buf, pos, at_end = b"", 0, False  # read-ahead from src; the next string starts at buf[pos]
        for _ in range(n):
            if pos + 8 > len(buf):
                if pos > len(buf):  # the last string's body runs past the block: jump over the rest
                    if at_end:
                        raise truncated
                    self.src.seek(pos - len(buf), 1)
                    buf, pos = b"", 0
                more = self.src.read(_STRING_BLOCK)
                at_end = len(more) < _STRING_BLOCK
                buf, pos = buf[pos:] + more, 0
                if len(buf) < 8:
                    raise truncated
            (size,) = _U64.unpack_from(buf, pos)
            if size > MAX_STRING:
                raise GgufError(
                    tr("The GGUF header has an oversized string ({n} bytes); it looks corrupt.").format(
                        n=size
                    )
                )
            pos += 8 + size
            self.consumed += 8 + size
        if at_end and pos > len(buf):
            raise truncated
        self.src.seek(pos - len(buf), 1)  # give back the read-ahead (or skip the last body's tail)

    def value(self, vtype: int, key: str, lengths: dict[str, int]) -> Any:
        if vtype in _SCALAR:
            return self.unpack(_SCALAR[vtype])
        if vtype == T_STRING:
            return self.string()
        if vtype != T_ARRAY:
            raise GgufError(
                tr("Unknown value type {type} for key {key} in the GGUF header.").format(
                    type=vtype, key=repr(key)
                )
            )
        etype = int(self.unpack("<I"))
        n = self.u64()
        if n > MAX_ARRAY:
            raise GgufError(
                tr("The GGUF header has an oversized array {key} ({n} items).").format(key=repr(key), n=n)
            )
        lengths[key] = n
        if etype in _SCALAR:
            size = struct.calcsize(_SCALAR[etype])
            if n > KEEP_ARRAY:
                self.skip(n * size)
                return f"<array of {n}>"
            return list(struct.unpack(f"<{n}{_SCALAR[etype][1]}", self.raw(n * size)))
        if etype == T_STRING:
            if n > KEEP_ARRAY:
                self.skip_strings(n)
                return f"<array of {n}>"
            return [self.string() for _ in range(n)]
        raise GgufError(
            tr("Unsupported array element type {type} for key {key} in the GGUF header.").format(
                type=etype, key=repr(key)
            )
        )


def read(src: Source) -> GgufInfo:
    """Parse the header of a GGUF file from ``src`` (positioned at the file's start)."""
    r = _Reader(src)
    if r.raw(4) != MAGIC:
        raise GgufError(tr("Not a GGUF model file (wrong magic bytes)."))
    version = int(r.unpack("<I"))
    if version in (2 << 24, 3 << 24):
        raise GgufError(
            tr("This GGUF file is big-endian; llama.cpp on this machine needs a little-endian file.")
        )
    if version not in (2, 3):
        raise GgufError(
            tr("Unsupported GGUF version {version} (Hearth reads versions 2 and 3).").format(version=version)
        )
    n_tensors = r.u64()
    n_kv = r.u64()
    if n_tensors > MAX_TENSORS or n_kv > MAX_KV:
        raise GgufError(
            tr("The GGUF header claims {tensors} tensors and {keys} keys; the file looks corrupt.").format(
                tensors=n_tensors, keys=n_kv
            )
        )
    metadata: dict[str, Any] = {}
    lengths: dict[str, int] = {}
    for _ in range(n_kv):
        key = r.string(limit=MAX_NAME)
        vtype = int(r.unpack("<I"))
        metadata[key] = r.value(vtype, key, lengths)
    raw_tensors: list[tuple[str, int, tuple[int, ...], int]] = []
    for _ in range(n_tensors):
        name = r.string(limit=MAX_NAME)
        n_dims = int(r.unpack("<I"))
        if n_dims > MAX_DIMS:
            raise GgufError(
                tr("Tensor {name} has {n} dimensions; the file looks corrupt.").format(
                    name=repr(name), n=n_dims
                )
            )
        shape = tuple(r.u64() for _ in range(n_dims))
        ttype = int(r.unpack("<I"))
        offset = r.u64()
        raw_tensors.append((name, ttype, shape, offset))
    _check_numbers(metadata)
    alignment = metadata.get("general.alignment", 32)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise GgufError(tr("The GGUF header has an invalid alignment."))
    data_offset = (r.consumed + alignment - 1) // alignment * alignment
    tensors = []
    for name, ttype, shape, offset in raw_tensors:
        n_el = 1
        for d in shape:
            n_el *= d
        if n_el > 2**48:
            raise GgufError(
                tr("Tensor {name} is impossibly large; the file looks corrupt.").format(name=repr(name))
            )
        type_name = GGML_TYPES.get(ttype, (f"type{ttype}", 1, 1))[0]
        tensors.append(Tensor(name, type_name, shape, offset, n_el, tensor_nbytes(ttype, n_el)))
    return GgufInfo(version, metadata, tensors, data_offset, r.consumed, lengths)


def read_file(path: Path) -> GgufInfo:
    """Read the header of a local GGUF file; checks tensor data fits in the file."""
    try:
        with path.open("rb") as fh:
            info = read(fh)
    except OSError as exc:
        raise GgufError(
            tr("Cannot read {name}: {error}").format(name=path.name, error=exc.strerror or exc)
        ) from exc
    size = path.stat().st_size
    end = max((t.offset + t.n_bytes for t in info.tensors), default=0)
    if info.data_offset + end > size:
        raise GgufError(
            tr("{name} is truncated: its tensors need {need} bytes, the file has {size}.").format(
                name=path.name, need=info.data_offset + end, size=size
            )
        )
    return info
