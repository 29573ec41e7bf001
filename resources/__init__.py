"""Data shipped with Hearth, read through ``importlib.resources`` (a wheel, a bundle or a checkout).

``catalog.json``: the curated model list; ``icons/``: the app icon as SVG and PNG sizes; ``i18n/``:
the translations (``.ts`` sources, ``.qm`` compiled: ``ui.i18n``).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def path(*parts: str) -> Traversable:
    """A file of this package, e.g. ``path("icons", "hearth-64.png")``; read it with ``read_bytes``."""
    node = files(__name__)
    for part in parts:
        node = node / part
    return node
