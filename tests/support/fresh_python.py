"""Run code in a fresh Python process in the checkout: for what one import may change for good
(which modules got imported, an import hook installed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def assert_runs(code: str) -> None:
    """``code`` runs to its end (its own asserts pass) in a new interpreter started in the checkout."""
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
