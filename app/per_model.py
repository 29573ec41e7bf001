"""Per-model settings: what one model file loads and samples with, over the global chat settings.

Each model file may override the context length, GPU layers, KV cache type, flash attention, its chat
template (a Jinja template used instead of the one in the GGUF) and the sampling parameters. The
overrides live in ``model_settings.json`` under HEARTH_HOME, keyed by the file's identity (its
resolved path and size: a re-downloaded or replaced file of another size starts afresh), and are
merged over :class:`~app.settings.ChatSettings` when that model is loaded (:func:`effective`). A
field left out (None) follows the global setting. A file that cannot be read is kept aside
(``app.datafile``), never overwritten; an entry with mistyped values keeps the valid ones. The
parsed file is kept in memory while its stat (inode, size, modification time) stays the same: every
chat message asks for its model's settings, and a send should not parse JSON.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import datafile, paths
from app.i18n import tr, tr_noop
from app.settings import ChatSettings

WHAT = tr_noop("Your per-model settings")
FALLBACK = tr_noop("the global chat settings for every model")
LOAD_FIELDS = ("n_ctx", "n_gpu_layers", "kv_type", "flash_attn", "chat_template")
SAMPLING_FIELDS = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "max_tokens", "seed")
Stat = tuple[int, int, int] | None  # (inode, size, mtime in ns) of the file; None: there is none

_cache: tuple[Path, Stat, dict[str, Any]] | None = None  # the file, its stat when read, its contents


@dataclass(frozen=True)
class ModelOverrides:
    """One model's settings; None = the global chat setting."""

    n_ctx: int | None = None
    n_gpu_layers: int | None = None
    kv_type: str | None = None
    flash_attn: bool | None = None
    chat_template: str | None = None  # a Jinja chat template; "" or None = the model's own
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    repeat_penalty: float | None = None
    max_tokens: int | None = None
    seed: int | None = None

    def set_fields(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    def apply(self, chat: ChatSettings) -> ChatSettings:
        """``chat`` with this model's overrides."""
        return dataclasses.replace(chat, **self.set_fields())

    @classmethod
    def from_dict(cls, data: dict[str, Any], problems: list[str]) -> ModelOverrides:
        values: dict[str, Any] = {}
        for name in (*LOAD_FIELDS, *SAMPLING_FIELDS):
            value = data.get(name)
            if value is None:
                continue
            expected = type(getattr(ChatSettings, name))
            if type(value) is expected or (expected is float and type(value) is int):
                values[name] = expected(value)
            else:
                problems.append(
                    tr("{field}={value} (expected {type})").format(
                        field=name, value=repr(value), type=expected.__name__
                    )
                )
        return cls(**values)


def model_key(path: Path) -> str:
    """The identity a model file's settings are kept under: resolved path and size."""
    path = Path(path).resolve()
    return f"{path}|{path.stat().st_size}"


def store_file() -> Path:
    return paths.home() / "model_settings.json"


def _stat(file: Path) -> Stat:
    try:
        st = file.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _saved() -> dict[str, Any]:
    """The file's contents, read again only when its stat changed since the last read (or ``put``)."""
    global _cache
    file = store_file()
    stat = _stat(file)
    if _cache is not None and _cache[:2] == (file, stat):
        return _cache[2]
    data = datafile.read_json(file, tr(WHAT), tr(FALLBACK)) or {}
    _cache = (file, stat, data)
    return data


def get(path: Path) -> ModelOverrides:
    """The overrides saved for the model file ``path`` (none saved: every field None)."""
    data = _saved()
    entry = data.get(model_key(path))
    if not isinstance(entry, dict):
        return ModelOverrides()
    problems: list[str] = []
    found = ModelOverrides.from_dict(entry, problems)
    if problems:
        reason = tr("{name}: ignoring {problems}").format(name=Path(path).name, problems="; ".join(problems))
        datafile.keep_copy(store_file(), tr(WHAT), reason)
    return found


def put(path: Path, overrides: ModelOverrides) -> None:
    """Save ``overrides`` for the model file ``path`` (all None: forget the entry)."""
    key = model_key(path)
    values = overrides.set_fields()

    def change(data: dict[str, Any]) -> None:
        if values:
            data[key] = {"name": Path(path).name, **values}  # the name for a reader of the file
        else:
            data.pop(key, None)

    global _cache
    datafile.update(store_file(), tr(WHAT), tr(FALLBACK), change)
    _cache = None  # the next get reads what was written (the stat would tell too, unless it looks the same)


def effective(chat: ChatSettings, path: Path | None) -> ChatSettings:
    """The chat settings a model file loads and samples with: the global ones, its own over them."""
    if path is None:
        return chat
    try:
        return get(path).apply(chat)
    except OSError:  # the file is gone: it cannot be loaded either, its settings do not matter
        return chat
