"""The one exception type the app shows to users: its message is plain words, ready to display."""

from __future__ import annotations


class HearthError(Exception):
    """An expected failure (bad file, would not fit, network down...) with a user-facing message."""


class ModelTooLarge(HearthError):
    """The memory estimate says the model will not fit; the user may override and load anyway."""
