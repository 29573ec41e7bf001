"""Checks before a model is loaded: is the file a GGUF at all, and will it fit in memory?

Loading a multi-GB file that cannot fit makes a laptop swap for minutes, so the engine refuses it
with the numbers unless the user overrides. The estimate itself is the model library's
(:func:`app.models.fit.check_fits`: weights + KV cache + compute buffers vs available memory).
"""

from __future__ import annotations

from pathlib import Path

from app.errors import HearthError

GGUF_MAGIC = b"GGUF"
MIN_GGUF_BYTES = 24  # magic + version + tensor count + kv count


def check_file(path: Path) -> None:
    """Raise HearthError unless ``path`` is a readable file starting with the GGUF magic."""
    if not path.exists():
        raise HearthError(f"Model file not found: {path}")
    if not path.is_file():
        raise HearthError(f"Not a file: {path}")
    try:
        with path.open("rb") as fh:
            head = fh.read(MIN_GGUF_BYTES)
    except OSError as exc:
        raise HearthError(f"Cannot read {path.name}: {exc.strerror or exc}") from exc
    if head[:4] != GGUF_MAGIC:
        raise HearthError(f"{path.name} is not a GGUF model file (it does not start with 'GGUF').")
    if len(head) < MIN_GGUF_BYTES:
        raise HearthError(f"{path.name} is truncated: the GGUF header is incomplete.")
