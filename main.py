"""Hearth from a source checkout: the installed ``hearth`` command plus ``bench`` (which needs tests/)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    import bench
    from ui.launcher import main as hearth

    return hearth(argv, extra=[bench])


if __name__ == "__main__":
    sys.exit(main())
