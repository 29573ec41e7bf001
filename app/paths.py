"""Every directory Hearth writes to. ``HEARTH_HOME`` relocates all of them (tests use a tmp dir).

The models folder alone can be put elsewhere by the user (Settings → Models → Download folder); the
front ends apply that setting at start and when it changes (``app.models.setup.apply``)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Hearth"
_models_dir: Path | None = None  # the user's download folder; None = HEARTH_HOME/models


def home() -> Path:
    """Root of all user data: ``$HEARTH_HOME`` if set, else the platform's user data dir."""
    env = os.environ.get("HEARTH_HOME")
    root = Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    root.mkdir(parents=True, exist_ok=True)
    return root


def _sub(name: str) -> Path:
    path = home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    return home() / "settings.json"


def database_file() -> Path:
    """SQLite database of conversations and messages."""
    return home() / "hearth.sqlite3"


def models_dir() -> Path:
    """Downloaded and imported GGUF models."""
    if _models_dir is not None:
        _models_dir.mkdir(parents=True, exist_ok=True)
        return _models_dir
    return _sub("models")


def set_models_dir(path: Path | None) -> None:
    """Keep models in ``path`` from now on (None: the default under HEARTH_HOME)."""
    global _models_dir
    _models_dir = Path(path).expanduser() if path is not None else None


def downloads_dir() -> Path:
    """Partial downloads (``*.part``) before they are verified and moved into ``models_dir``: on the
    same file system, so that move is a rename (inside the user's download folder when one is set)."""
    if _models_dir is not None:
        path = models_dir() / ".downloads"
        path.mkdir(exist_ok=True)
        return path
    return _sub("downloads")


def index_dir() -> Path:
    """The embedded chromadb store and document bookkeeping."""
    return _sub("index")


def cache_dir() -> Path:
    """Data that can be rebuilt (deleting it loses nothing): ``$HEARTH_HOME/cache`` when HEARTH_HOME
    is set, else the platform's user cache dir."""
    env = os.environ.get("HEARTH_HOME")
    root = Path(env) / "cache" if env else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    root.mkdir(parents=True, exist_ok=True)
    return root


def prompt_cache_dir() -> Path:
    """Saved KV states of conversations (``app.chat.prompt_cache``)."""
    path = cache_dir() / "prompt-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def logs_dir() -> Path:
    """The rotating log file of every Hearth process (Help → Open log folder)."""
    return _sub("logs")
