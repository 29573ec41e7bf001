"""PyInstaller's entry script for the bundle: the installed ``hearth`` command, nothing else."""

from __future__ import annotations

import sys

from ui.launcher import main

if __name__ == "__main__":
    sys.exit(main())
