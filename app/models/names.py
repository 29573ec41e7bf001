"""File-name conventions of GGUF repos: quantization labels and split files (``-00001-of-00003``)."""

from __future__ import annotations

import re
from pathlib import Path

SPLIT = re.compile(r"^(?P<stem>.+)-(?P<idx>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)
QUANT = re.compile(
    r"(?<![A-Za-z0-9])(I?Q\d(?:_[0-9A-Z]+)*|BF16|F16|F32|FP16|MXFP4|TQ\d_\d)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# rough quality order, best first (used to pick the best quant that fits)
QUALITY = ["F32", "BF16", "F16", "Q8_0", "Q6_K", "Q6_K_L", "Q5_K_M", "Q5_K_L", "Q5_K_S", "Q5_1", "Q5_0",
           "Q4_K_M", "Q4_K_L", "Q4_K_S", "IQ4_XS", "IQ4_NL", "Q4_1", "Q4_0", "Q3_K_L", "Q3_K_M",
           "IQ3_M", "IQ3_S", "Q3_K_S", "IQ3_XS", "IQ3_XXS", "Q2_K_L", "Q2_K", "IQ2_M", "IQ2_S",
           "IQ2_XS", "IQ2_XXS", "IQ1_M", "IQ1_S"]  # fmt: skip


def quant_label(filename: str) -> str:
    """``Qwen2.5-7B-Instruct-Q4_K_M.gguf`` → ``Q4_K_M`` ("" when the name has none)."""
    name = Path(filename).name
    m = SPLIT.match(name)
    stem = m.group("stem") if m else name.removesuffix(".gguf")
    found = QUANT.findall(stem)
    return found[-1].upper() if found else ""


def quality_rank(label: str) -> int:
    try:
        return QUALITY.index(label.upper())
    except ValueError:
        return len(QUALITY)


def split_info(filename: str) -> tuple[str, int, int] | None:
    """``x-00002-of-00003.gguf`` → (``x``, 2, 3); None for single files."""
    m = SPLIT.match(Path(filename).name)
    if not m:
        return None
    return m.group("stem"), int(m.group("idx")), int(m.group("count"))


def split_name(stem: str, idx: int, count: int) -> str:
    return f"{stem}-{idx:05d}-of-{count:05d}.gguf"


def split_parts(path: Path, count: int) -> list[Path]:
    """All parts of a split model given any part's path."""
    info = split_info(path.name)
    if info is None:
        return [path]
    stem, _, n = info
    return [path.with_name(split_name(stem, i, n)) for i in range(1, n + 1)]
