"""Print benchmark results: one JSON object with ``--json``, else a readable table."""

from __future__ import annotations

import json
from typing import Any


def emit(results: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(results))
        return
    width = max(len(k) for k in results)
    for key, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")
