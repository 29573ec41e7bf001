"""Quantization labels and split-file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import names


@pytest.mark.parametrize(
    ("filename", "label"),
    [
        ("Qwen2.5-7B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("Meta-Llama-3.1-8B-Instruct-IQ4_XS.gguf", "IQ4_XS"),
        ("gemma-3-270m-q4_k_m.gguf", "Q4_K_M"),
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "Q4_1"),
        ("model-f16.gguf", "F16"),
        ("big-Q8_0-00001-of-00003.gguf", "Q8_0"),
        ("mmproj.gguf", ""),
    ],
)
def test_quant_label(filename: str, label: str) -> None:
    assert names.quant_label(filename) == label


def test_split_names() -> None:
    assert names.split_info("x-Q4_K_M-00002-of-00003.gguf") == ("x-Q4_K_M", 2, 3)
    assert names.split_info("x.gguf") is None
    parts = names.split_parts(Path("/m/x-00002-of-00003.gguf"), 3)
    assert [p.name for p in parts] == [f"x-0000{i}-of-00003.gguf" for i in (1, 2, 3)]


def test_quality_order() -> None:
    assert names.quality_rank("Q8_0") < names.quality_rank("Q4_K_M") < names.quality_rank("Q2_K")
    assert names.quality_rank("weird") == len(names.QUALITY)
