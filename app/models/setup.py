"""Apply the model library's settings to this process: the download folder and the Hub proxy.

Front ends call :func:`apply` once they have read the settings (the GUI again when the user changes
them in Settings → Models). The Hugging Face token is not a setting: it lives in the OS keyring
(:func:`save_token`) and is read at each request (``app.models.hub.token``).
"""

from __future__ import annotations

from pathlib import Path

from app import paths, secrets
from app.i18n import tr
from app.models import hub
from app.settings import ModelSettings


def apply(models: ModelSettings) -> None:
    paths.set_models_dir(Path(models.models_dir) if models.models_dir.strip() else None)
    hub.set_proxy(models.proxy)


def save_token(token: str) -> None:
    """Keep ``token`` in the OS keyring ("" forgets it); HearthError if the keyring cannot store it."""
    if token.strip():
        secrets.put(hub.HF_TOKEN_ACCOUNT, token.strip(), tr("the Hugging Face token"))
    else:
        secrets.delete(hub.HF_TOKEN_ACCOUNT)
