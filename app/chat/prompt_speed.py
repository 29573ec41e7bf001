"""How fast each model reads a prompt on this machine, remembered across runs.

Grounding sizes its passages from it (a slow machine or a big model gets fewer, so the first word
of the answer comes within a time budget), and it must be known before the first reply of a run: the
engine records the speed of every long enough prompt read and recalls it when the model is loaded
again. Keyed like the prompt cache (model file, context length, KV settings, llama.cpp build), in one
small JSON file in the cache folder; a missing or damaged file just means "not measured yet".
"""

from __future__ import annotations

import json
import logging
from typing import Any

from app import atomic, paths
from app.chat.prompt_cache import identity_key

log = logging.getLogger(__name__)
FILE = "prompt-speed.json"


def _read() -> dict[str, float]:
    try:
        data = json.loads((paths.cache_dir() / FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("prompt speeds: %s unreadable (%s); measuring again", FILE, exc)
        return {}
    return (
        {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}
        if isinstance(data, dict)
        else {}
    )


def recall(identity: dict[str, Any]) -> float | None:
    return _read().get(identity_key(identity))


def remember(identity: dict[str, Any], tokens_per_s: float) -> None:
    speeds = _read()
    speeds[identity_key(identity)] = round(tokens_per_s, 1)
    try:
        atomic.write_text(paths.cache_dir() / FILE, json.dumps(speeds))
    except OSError as exc:  # a full disk must not break the chat
        log.warning("prompt speeds: could not save (%s)", exc)
