"""Checks before a model is loaded: is the file a complete GGUF, and will it fit in memory?

Loading a multi-GB file that cannot fit makes a laptop swap for minutes, so the engine refuses it
with the numbers unless the user overrides. The header is read by the bounded parser
(:func:`app.models.gguf.read_file`: truncated or hostile headers, tensors past the end of the file)
and the estimate is the model library's (:func:`app.models.fit.plan_file`).
"""

from __future__ import annotations

from pathlib import Path

from app.errors import HearthError
from app.models import gguf


def check_file(path: Path) -> gguf.GgufInfo:
    """The header of ``path``; HearthError unless it is a readable, complete GGUF model file."""
    if not path.exists():
        raise HearthError(f"Model file not found: {path}")
    if not path.is_file():
        raise HearthError(f"Not a file: {path}")
    try:
        with path.open("rb") as fh:
            magic = fh.read(len(gguf.MAGIC))
    except OSError as exc:
        raise HearthError(f"Cannot read {path.name}: {exc.strerror or exc}") from exc
    if magic != gguf.MAGIC:
        raise HearthError(f"{path.name} is not a GGUF model file (it does not start with 'GGUF').")
    return gguf.read_file(path)
