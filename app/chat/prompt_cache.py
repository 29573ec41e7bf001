"""Conversation KV states on disk, so that a conversation continues without being read again.

After a reply the engine saves the KV cache of its sequence (llama.cpp's state file: the tokens and
their keys and values) with a sidecar saying what the state belongs to: the model file (path, size,
mtime), context length, KV types, flash attention and the llama.cpp build. Before reading a prompt
the engine asks for the saved state with the longest token prefix of that prompt under the same
identity; if it beats what is already in memory, it is loaded and only the rest is read.

A state is trusted only when its sidecar parses, its identity matches and the file's sha256 is the
one recorded when it was written; anything else (stale, foreign, truncated, corrupt) is deleted and
the prompt is read again. A state whose tokens extend an older one replaces it (one entry per
conversation as it grows), and the least recently used entries go when the byte budget is exceeded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import atomic

log = logging.getLogger(__name__)

VERSION = 1
STALE_TEMP_S = 3600  # a temp file this old is left over from a crash (another process may be writing)


@dataclass(frozen=True)
class Entry:
    sidecar: Path
    identity: dict[str, Any]
    tokens: tuple[int, ...]
    sha256: str
    size: int

    @property
    def state_file(self) -> Path:
        return self.sidecar.with_suffix(".kv")


def identity_key(identity: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class PromptCache:
    """Saved states under ``directory``, at most ``max_bytes`` in all (0 disables the cache)."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._sweep_leftovers()

    def _entries(self, key: str = "") -> list[Entry]:
        out = []
        for sidecar in self.directory.glob(f"{key}*.json"):
            entry = self._read(sidecar)
            if entry is not None:
                out.append(entry)
        return out

    def _read(self, sidecar: Path) -> Entry | None:
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            tokens = tuple(int(t) for t in data["tokens"])
            entry = Entry(sidecar, dict(data["identity"]), tokens, str(data["sha256"]), int(data["size"]))
            if data["version"] != VERSION or entry.state_file.stat().st_size != entry.size:
                raise ValueError("stale or truncated")
        except FileNotFoundError:  # removed meanwhile (another process, or just evicted)
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("prompt cache: dropping %s (%s)", sidecar.name, exc)
            self._remove(sidecar)
            return None
        return entry

    def best(self, identity: dict[str, Any], prompt: Sequence[int]) -> tuple[Entry, int] | None:
        """The entry sharing the longest prefix with ``prompt``, and that prefix's length."""
        if self.max_bytes <= 0:
            return None
        entries = [e for e in self._entries(identity_key(identity)) if e.identity == identity]
        scored = [(common_prefix(e.tokens, prompt), e) for e in entries]
        scored = [(n, e) for n, e in scored if n > 0]
        if not scored:
            return None
        n, entry = max(scored, key=lambda s: s[0])
        return entry, n

    def restore(self, entry: Entry, read: Callable[[Path], list[int]]) -> bool:
        """Verify ``entry`` and hand its state file to ``read`` (which loads it into llama.cpp and
        returns the tokens it held). False, and the entry deleted, if anything does not match."""
        try:
            ok = _sha256(entry.state_file) == entry.sha256 and tuple(read(entry.state_file)) == entry.tokens
        except OSError as exc:
            log.warning("prompt cache: cannot read %s (%s)", entry.state_file.name, exc)
            ok = False
        if not ok:
            log.warning("prompt cache: %s does not match its record; reading again", entry.sidecar.name)
            self._remove(entry.sidecar)
            return False
        os.utime(entry.sidecar)  # most recently used
        return True

    def save(self, identity: dict[str, Any], tokens: Sequence[int], write: Callable[[Path], object]) -> None:
        """Save a state: ``write`` puts llama.cpp's state file at the path it is given."""
        if self.max_bytes <= 0 or not tokens:
            return
        key = identity_key(identity)
        sidecar = self.directory / f"{key}-{uuid.uuid4().hex[:12]}.json"
        temp = sidecar.with_suffix(".kv.tmp")
        try:
            write(temp)
            size = temp.stat().st_size
            record = {"version": VERSION, "identity": identity, "tokens": list(tokens),
                      "sha256": _sha256(temp), "size": size}  # fmt: skip
            os.replace(temp, sidecar.with_suffix(".kv"))
            atomic.write_text(sidecar, json.dumps(record))
        except OSError as exc:  # a full disk must not break the chat: the cache is optional
            log.warning("prompt cache: could not save a state (%s)", exc)
            temp.unlink(missing_ok=True)
            sidecar.with_suffix(".kv").unlink(missing_ok=True)
            return
        for old in self._entries(key):  # superseded: the same conversation, shorter
            same = old.identity == identity and old.sidecar != sidecar
            if same and common_prefix(old.tokens, tokens) == len(old.tokens):
                self._remove(old.sidecar)
        self._evict()

    def usage_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.directory.glob("*") if p.is_file())

    def clear(self) -> None:
        for sidecar in self.directory.glob("*.json"):
            self._remove(sidecar)
        self._sweep_leftovers(max_age_s=0)

    def _evict(self) -> None:
        entries = sorted(self._entries(), key=lambda e: e.sidecar.stat().st_mtime, reverse=True)
        total = 0
        for e in entries:
            total += e.size
            if total > self.max_bytes:
                self._remove(e.sidecar)

    def _remove(self, sidecar: Path) -> None:
        sidecar.unlink(missing_ok=True)
        sidecar.with_suffix(".kv").unlink(missing_ok=True)

    def _sweep_leftovers(self, max_age_s: float = STALE_TEMP_S) -> None:
        """Temp files and state files without a sidecar, left by a crash mid-save."""
        now = time.time()
        for path in [*self.directory.glob("*.tmp"), *self.directory.glob("*.kv")]:
            try:
                orphan = path.suffix == ".tmp" or not path.with_suffix(".json").exists()
                if orphan and now - path.stat().st_mtime >= max_age_s:
                    path.unlink()
            except FileNotFoundError:
                pass
