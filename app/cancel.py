"""A small Qt-free cancel token checked between tokens, pages and chunks."""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """Raised by :meth:`CancelToken.raise_if_cancelled` when work was cancelled."""


class CancelToken:
    """Thread-safe flag: one side calls :meth:`cancel`, the worker polls :attr:`cancelled`."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
