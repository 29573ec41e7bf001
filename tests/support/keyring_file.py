"""A keyring backend for tests: a JSON file under HEARTH_HOME instead of the OS keyring.

These machines have no keyring service (no Secret Service on D-Bus), and tests must never touch a
developer's real one, so ``tests/conftest.py`` selects this backend with keyring's own
``PYTHON_KEYRING_BACKEND`` variable (subprocesses inherit it). Everything above the backend (the
``keyring`` API Hearth calls) is the real library.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

BACKEND = "tests.support.keyring_file.FileKeyring"


def store() -> Path:
    return Path(os.environ["HEARTH_HOME"]) / "test-keyring.json"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(store().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def _write(self, data: dict[str, str]) -> None:
        store().parent.mkdir(parents=True, exist_ok=True)
        store().write_text(json.dumps(data), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[f"{service}/{username}"] = password
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._write(data)
