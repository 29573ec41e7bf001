"""Hearth entry point: the GUI by default; ``chat``, ``ask``, ``models``, ``docs``, ``bench`` for the CLI."""

from __future__ import annotations

import sys


def _gui() -> int:
    from ui.app import run_gui

    return run_gui()


def main(argv: list[str] | None = None) -> int:
    import bench
    from app.cli import run

    return run(sys.argv[1:] if argv is None else argv, gui=_gui, extra=[bench])


if __name__ == "__main__":
    sys.exit(main())
