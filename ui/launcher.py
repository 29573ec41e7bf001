"""The ``hearth`` command: the GUI without arguments, the CLI with them (installed package and bundle).

``multiprocessing.freeze_support()`` runs first: in the frozen app the PDF reader's worker process
is this same executable started again, and it must become the worker, not a second app. Nothing
here imports Qt: ``hearth ask …`` stays a terminal program.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable
from types import ModuleType


def _gui() -> int:
    from ui.app import run_gui

    return run_gui()


def main(argv: list[str] | None = None, extra: Iterable[ModuleType] = ()) -> int:
    """Run Hearth; ``extra`` adds command modules (the source checkout's ``bench``)."""
    multiprocessing.freeze_support()
    from app.cli import run

    return run(sys.argv[1:] if argv is None else argv, gui=_gui, extra=extra)
