"""API keys in the operating system's keyring (``keyring``), never in settings.json or the logs.

keyring picks the platform's store: the macOS Keychain, the Windows Credential Locker, the Secret
Service (GNOME Keyring, KWallet) on Linux desktops. Where there is none (a headless Linux box),
saving a key fails with a plain message; a key can then be given for one run through an environment
variable instead (see the callers). Messages never contain the key itself.
"""

from __future__ import annotations

import contextlib
import logging

from app.errors import HearthError
from app.i18n import tr

log = logging.getLogger(__name__)

SERVICE = "Hearth"


def get(account: str) -> str | None:
    """The secret saved for ``account``, or None (none saved, or no keyring on this system)."""
    try:
        import keyring

        return keyring.get_password(SERVICE, account)
    except Exception as exc:  # no backend, a locked store, a D-Bus error...
        log.info("could not read %s from the system keyring: %s", account, type(exc).__name__)
        return None


def put(account: str, secret: str, what: str | None = None) -> None:
    """Save ``secret`` for ``account``; ``what`` names it in the error (default: "the API key")."""
    try:
        import keyring

        keyring.set_password(SERVICE, account, secret)
    except Exception as exc:
        raise HearthError(
            tr(
                "The system keyring could not store {what} ({error}). On Linux,"
                " a Secret Service (GNOME Keyring or KWallet) must be running."
            ).format(what=what or tr("the API key"), error=f"{type(exc).__name__}: {exc}")
        ) from exc


def delete(account: str) -> None:
    """Forget the secret of ``account`` (nothing happens when none is saved)."""
    try:
        import keyring
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):  # none saved
            keyring.delete_password(SERVICE, account)
    except Exception as exc:
        log.warning("could not delete %s from the system keyring: %s", account, type(exc).__name__)
