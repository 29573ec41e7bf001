"""The curated model catalog (``resources/catalog.json``) and recommendations by RAM size."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources.abc import Traversable

import resources
from app.errors import HearthError

CATALOG = resources.path("catalog.json")
# a 4k-token KV cache plus compute buffers: ~10% of the weights for small models (less for big GQA
# ones: Llama-3-70B needs 1.3 GB at 4k) plus ~0.3 GB of buffers. The exact figure comes from fit.py.
KV_SHARE = 0.10
BUFFERS_GB = 0.3
RAM_SHARE = 0.75  # leave a quarter of the RAM to the OS and other apps


@dataclass(frozen=True)
class Entry:
    name: str
    repo: str
    file: str
    params_b: float
    size_gb: float
    ram_tier_gb: int

    @property
    def needs_gb(self) -> float:
        return self.size_gb * (1 + KV_SHARE) + BUFFERS_GB


def load(path: Traversable = CATALOG) -> list[Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Entry(
                m["name"],
                m["repo"],
                m["file"],
                float(m["params_b"]),
                float(m["size_gb"]),
                int(m["ram_tier_gb"]),
            )
            for m in data["models"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HearthError(f"The model catalog {path} is missing or damaged ({exc}).") from exc


def recommend(ram_gb: float, entries: list[Entry] | None = None) -> list[Entry]:
    """Catalog models that run comfortably in ``ram_gb`` of RAM, largest (most capable) first."""
    entries = entries if entries is not None else load()
    fitting = [e for e in entries if e.needs_gb <= ram_gb * RAM_SHARE]
    return sorted(fitting, key=lambda e: (-e.ram_tier_gb, -e.size_gb))
