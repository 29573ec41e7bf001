"""Every directory Hearth writes to. ``HEARTH_HOME`` relocates all of them (tests use a tmp dir)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Hearth"


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
    return _sub("models")


def downloads_dir() -> Path:
    """Partial downloads (``*.part``) before they are verified and moved into ``models_dir``."""
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
