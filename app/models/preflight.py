"""Checks before a model is loaded: is the file a complete GGUF, and will it fit in memory?

Loading a multi-GB file that cannot fit makes a laptop swap for minutes, so the engine refuses it
with the numbers unless the user overrides. The header is read by the bounded parser
(:func:`app.models.gguf.read_file`: truncated or hostile headers, tensors past the end of the file)
and the estimate is the model library's (:func:`app.models.fit.plan_file`). A split model loads
from its first part and only when every part is there.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import HearthError
from app.i18n import tr
from app.models import gguf, names


def check_file(path: Path) -> gguf.GgufInfo:
    """The header of ``path``; HearthError unless it is a readable, complete GGUF model file."""
    if not path.exists():
        raise HearthError(tr("Model file not found: {path}").format(path=path))
    if not path.is_file():
        raise HearthError(tr("Not a file: {path}").format(path=path))
    try:
        with path.open("rb") as fh:
            magic = fh.read(len(gguf.MAGIC))
    except OSError as exc:
        raise HearthError(
            tr("Cannot read {name}: {error}").format(name=path.name, error=exc.strerror or exc)
        ) from exc
    if magic != gguf.MAGIC:
        raise HearthError(
            tr("{name} is not a GGUF model file (it does not start with 'GGUF').").format(name=path.name)
        )
    split = names.split_info(path.name)
    if split and split[1] != 1:
        first = names.split_parts(path, 1)[0]  # llama.cpp reads the others from it
        raise HearthError(
            tr("{name} is part {part} of a split model: load its first part, {first}.").format(
                name=path.name, part=split[1], first=first.name
            )
        )
    missing = missing_parts(path)
    if missing:
        raise HearthError(
            tr("{name} cannot be loaded: it is {why}.").format(
                name=path.name, why=incomplete_message(path, missing)
            )
        )
    return gguf.read_file(path)


def missing_parts(path: Path) -> list[Path]:
    """The parts of a split model (``-0000K-of-0000N.gguf``) that are not on disk."""
    return [p for p in names.split_parts(path, 1) if not p.is_file()]


def incomplete_message(path: Path, missing: list[Path]) -> str:
    count = len(names.split_parts(path, 1))
    listed = ", ".join(p.name for p in missing)
    return tr("incomplete: {missing} of its {count} parts are missing ({listed}); download it again").format(
        missing=len(missing), count=count, listed=listed
    )
