"""GGUF header reader: real files, generated files, and truncated or hostile headers."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from app.models import gguf
from app.models.gguf import GgufError
from tests.support import gguf_write


class CountingSource:
    """A seekable source that records how many bytes were actually read (like a ranged remote)."""

    def __init__(self, data: bytes) -> None:
        self.buf = io.BytesIO(data)
        self.read_bytes = 0

    def read(self, n: int, /) -> bytes:
        out = self.buf.read(n)
        self.read_bytes += len(out)
        return out

    def seek(self, offset: int, whence: int = 0, /) -> int:
        return self.buf.seek(offset, whence)

    def tell(self) -> int:
        return self.buf.tell()


def test_starter_model_header(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    assert info.architecture == "llama"
    assert info.file_type == "Q4_1"
    assert (info.n_layers, info.n_head, info.n_head_kv) == (30, 9, 3)
    assert info.key_length == info.value_length == 64  # default n_embd / n_head
    assert info.context_length == 8192
    assert info.has_chat_template
    assert info.n_vocab == 49152
    assert 134_000_000 < info.parameter_count < 136_000_000
    # tensor sizes from the ggml block table add up to the file's data section
    size = starter_model.stat().st_size
    assert size - info.data_offset - 64 * len(info.tensors) <= info.weights_bytes <= size - info.data_offset
    assert sum(info.layer_bytes()) < info.weights_bytes
    assert info.header_bytes_read <= info.data_offset


def test_gemma_sliding_window(gemma_model: Path) -> None:
    info = gguf.read_file(gemma_model)
    assert info.architecture == "gemma3"
    assert info.file_type == "Q4_K_M"
    assert info.sliding_window == 512
    assert info.swa_pattern == 6
    assert (info.key_length, info.n_head_kv, info.n_layers) == (256, 1, 18)
    assert not info.has_chat_template  # base model


def test_skips_fixed_size_arrays_without_reading(gemma_model: Path) -> None:
    with gemma_model.open("rb") as fh:
        head = fh.read(8 * 2**20)
    src = CountingSource(head)
    info = gguf.read(src)
    # scores and token types (2 x 262144 x 4 bytes) are seeked over, not read (one block of the
    # vocabulary's read-ahead is given back and read again)
    assert src.read_bytes < info.header_bytes_read - 2 * 262144 * 4 + 4096 + gguf._STRING_BLOCK


def test_generated_roundtrip(tiny_gguf: Path) -> None:
    info = gguf.read_file(tiny_gguf)
    assert info.name == "tiny-llama"
    assert info.n_layers == 2
    assert info.file_type == "Q4_0"
    assert info.metadata["llama.attention.head_count_kv"] == 2
    assert info.metadata["tokenizer.ggml.tokens"] == "<array of 128>"
    assert [t.layer for t in info.tensors[:2]] == [None, 0]


def test_type_table_sizes() -> None:
    assert gguf.tensor_nbytes(12, 256) == 144  # Q4_K
    assert gguf.tensor_nbytes(14, 512) == 420  # Q6_K
    assert gguf.tensor_nbytes(8, 64) == 68  # Q8_0
    assert gguf.tensor_nbytes(1, 10) == 20  # F16
    with pytest.raises(GgufError):
        gguf.tensor_nbytes(99, 1)


def _header(n_tensors: int, n_kv: int, version: int = 3) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, n_tensors, n_kv)


def _kv_string(key: str, length: int) -> bytes:
    k = key.encode()
    return struct.pack("<Q", len(k)) + k + struct.pack("<IQ", gguf.T_STRING, length)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"NOPE" + b"\0" * 20, "magic"),
        (_header(0, 0, version=9), "version"),
        (_header(10**9, 1), "corrupt"),
        (_header(0, 10**9), "corrupt"),
        (_header(0, 1) + _kv_string("general.name", 2**40), "oversized string"),
        (_header(0, 1) + _kv_string("general.name", 100) + b"abc", "truncated"),
        (
            _header(0, 1) + struct.pack("<Q", 3) + b"arr" + struct.pack("<IIQ", gguf.T_ARRAY, 4, 2**40),
            "oversized array",
        ),
        (_header(0, 1) + struct.pack("<Q", 1) + b"k" + struct.pack("<I", 77), "Unknown value type"),
        (_header(1, 0) + struct.pack("<Q", 1) + b"t" + struct.pack("<I", 1000), "dimensions"),
        (b"GG", "truncated"),
    ],
)
def test_hostile_headers_fail_cleanly(data: bytes, message: str) -> None:
    with pytest.raises(GgufError, match=message):
        gguf.read(io.BytesIO(data))


def test_truncated_file(tmp_path: Path, tiny_gguf: Path) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_gguf.read_bytes()[:-100])
    with pytest.raises(GgufError, match="truncated"):
        gguf.read_file(cut)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GgufError, match="Cannot read"):
        gguf.read_file(tmp_path / "absent.gguf")


def test_writer_rejects_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        gguf_write.write(tmp_path / "x.gguf", {}, [("t", 99, (4,))])


def test_big_endian_is_named() -> None:
    with pytest.raises(GgufError, match="big-endian"):
        gguf.read(io.BytesIO(b"GGUF" + struct.pack(">IQQ", 3, 0, 0)))


def test_header_without_architecture_keys(tmp_path: Path) -> None:
    path = gguf_write.write(tmp_path / "bare.gguf", {"general.name": "bare"}, [("w", 0, (8, 8))])
    info = gguf.read_file(path)
    assert (info.architecture, info.n_layers, info.n_head, info.key_length) == ("unknown", 0, 0, 0)
    assert info.file_type == "F32"
    from app.models import fit

    report = fit.plan(info, 2048, machine=fit.Machine(8 * 2**30, 8 * 2**30))
    assert report.kv_cache_bytes == 0 and report.fits


def _string_array(key: str, items: list[bytes]) -> bytes:
    k = key.encode()
    body = b"".join(struct.pack("<Q", len(s)) + s for s in items)
    return struct.pack("<Q", len(k)) + k + struct.pack("<IIQ", gguf.T_ARRAY, gguf.T_STRING, len(items)) + body


def test_long_string_arrays_are_skipped_across_read_blocks() -> None:
    # a vocabulary bigger than one read block, with a token longer than a block in the middle
    tokens = [b"tok%d" % i for i in range(20_000)]
    tokens[10_000] = b"x" * (3 * gguf._STRING_BLOCK)
    name = _kv_string("general.name", 4) + b"name"
    data = _header(0, 2) + _string_array("tokenizer.ggml.tokens", tokens) + name
    info = gguf.read(io.BytesIO(data))
    assert info.metadata["tokenizer.ggml.tokens"] == "<array of 20000>"
    assert info.metadata["general.name"] == "name"
    assert info.header_bytes_read == len(data)


@pytest.mark.parametrize("cut", [1, 5, 9])  # inside the last body, the last length, the one before
def test_truncated_string_array(cut: int) -> None:
    data = _header(0, 1) + _string_array("tokenizer.ggml.tokens", [b"ab"] * 1000)
    with pytest.raises(GgufError, match="truncated"):
        gguf.read(io.BytesIO(data[:-cut]))


def test_oversized_string_inside_an_array() -> None:
    array = _string_array("tokens", [b"a"] * 100 + [b""])
    data = _header(0, 1) + array[:-8] + struct.pack("<Q", 2**40)  # the last string claims 1 TiB
    with pytest.raises(GgufError, match="oversized string"):
        gguf.read(io.BytesIO(data))
