"""The one exception type the app shows to users: its message is plain words, ready to display."""

from __future__ import annotations

from typing import Any


class HearthError(Exception):
    """An expected failure (bad file, would not fit, network down...) with a user-facing message."""


class ModelTooLarge(HearthError):
    """The memory estimate says the model will not fit; the user may override and load anyway."""


class ConnectionLost(HearthError):
    """A remote reply broke off (dropped connection, a server that stopped sending, garbage in the
    stream): what arrived is kept, the reply ends as interrupted. ``stats`` covers what arrived."""

    def __init__(self, message: str, stats: Any = None) -> None:
        super().__init__(message)
        self.stats = stats
