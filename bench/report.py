"""Print benchmark results: one JSON object with ``--json``, else a readable table; time a start-up."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any


def emit(results: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(results))
        return
    width = max(len(k) for k in results)
    for key, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")


def painted_s(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    """Seconds from launching ``cmd`` to the window's first painted frame (the app's
    ``HEARTH_EXIT_AFTER_PAINT`` probe prints ``HEARTH_PAINTED <unix time>`` and closes)."""
    t0 = time.time()
    proc = subprocess.run(
        cmd, cwd=cwd, env={**env, "HEARTH_EXIT_AFTER_PAINT": "1"}, capture_output=True, text=True, timeout=120
    )
    line = next((ln for ln in proc.stderr.splitlines() if ln.startswith("HEARTH_PAINTED ")), None)
    if line is None:
        raise RuntimeError(f"the app did not start: {proc.stderr[-500:]}")
    return float(line.split()[1]) - t0
