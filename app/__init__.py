"""Hearth core: Qt-free models, chat, documents and settings, usable from GUI, CLI and tests."""

from __future__ import annotations

__version__ = "0.1.0"
