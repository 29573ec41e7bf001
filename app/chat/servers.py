"""Saved remote servers: chat models on another machine behind an OpenAI-compatible API.

A server is a name, an address and optionally a model; it is kept in ``settings.json`` (section
``remote``) while its API key goes to the OS keyring (``app.secrets``), never to that file. The CLI
also takes a bare address (``--engine http://gpu-box:8080``); its key then comes from the keyring
entry of a saved server with that address, or from ``HEARTH_REMOTE_API_KEY`` for that one run.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app import secrets
from app.errors import HearthError
from app.i18n import tr
from app.settings import RemoteSettings

KEY_ENV = "HEARTH_REMOTE_API_KEY"

RemoteKey = tuple[str, str]  # (saved server name, model; "" = the server's only model)


def engine_key(text: str) -> RemoteKey | None:
    """A conversation's ``engine`` field: '' (or anything unreadable) is the local model."""
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value) and value[0]:
        return (value[0], value[1])
    return None


def engine_text(key: RemoteKey | None) -> str:
    return json.dumps(list(key)) if key else ""


def normalize_url(url: str) -> str:
    """``gpu-box:8080`` → ``http://gpu-box:8080/v1``: a scheme when none is given, and ``/v1`` when
    the address has no path (every server named in the docs serves the API there)."""
    text = url.strip().rstrip("/")
    if not text:
        raise HearthError(tr("A remote server needs an address, e.g. http://192.168.1.20:8080"))
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HearthError(
            tr("'{url}' is not a server address: use http://HOST:PORT or https://HOST").format(url=url)
        )
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise HearthError(tr("'{url}' has a bad port number.").format(url=url)) from exc
    return text if parts.path else f"{text}/v1"


@dataclass(frozen=True)
class RemoteServer:
    name: str
    url: str  # normalized: scheme://host[:port]/path-of-the-API (usually /v1)
    model: str = ""  # the model to use ("" = the server's only one)
    n_ctx: int = 0  # context length when the server does not say (0 = the settings' default)
    models: tuple[str, ...] = ()  # the server's models when last listed (the chat's model menu)

    @property
    def root(self) -> str:
        """The address without the API path: llama.cpp, LM Studio and Ollama answer extras there."""
        base = self.url
        return base[: -len("/v1")] if base.endswith("/v1") else base

    @property
    def key_account(self) -> str:
        return f"remote-server:{self.name}"

    def api_key(self) -> str | None:
        return secrets.get(self.key_account) or os.environ.get(KEY_ENV) or None

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["models"] = list(self.models)
        return out


def _from_dict(data: Any) -> RemoteServer | None:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
        return None
    try:
        url = normalize_url(str(data.get("url", "")))
    except HearthError:
        return None
    models = data.get("models")
    n_ctx = data.get("n_ctx")
    return RemoteServer(
        name=data["name"].strip(),
        url=url,
        model=str(data.get("model") or ""),
        n_ctx=n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else 0,
        models=tuple(str(m) for m in models) if isinstance(models, list) else (),
    )


def saved(settings: RemoteSettings) -> list[RemoteServer]:
    """The saved servers in the order they were added (malformed entries skipped)."""
    return [s for s in (_from_dict(d) for d in settings.servers) if s is not None]


def find(settings: RemoteSettings, name_or_url: str) -> RemoteServer:
    """A saved server by name or address, else a one-off server at that address."""
    for server in saved(settings):
        if name_or_url == server.name:
            return server
    url = normalize_url(name_or_url)
    for server in saved(settings):
        if server.url == url:
            return server
    return RemoteServer(name=urlsplit(url).netloc, url=url)


def save(settings: RemoteSettings, server: RemoteServer, api_key: str | None = None) -> None:
    """Add or replace (by name) ``server``; ``api_key``: None keeps the saved key, "" forgets it.
    The caller writes the settings file."""
    if not server.name.strip():
        raise HearthError(tr("A remote server needs a name."))
    server = dataclasses.replace(server, name=server.name.strip(), url=normalize_url(server.url))
    if api_key:
        secrets.put(server.key_account, api_key)
    elif api_key == "":
        secrets.delete(server.key_account)
    names = [d.get("name") if isinstance(d, dict) else None for d in settings.servers]
    if server.name in names:
        settings.servers[names.index(server.name)] = server.to_dict()
    else:
        settings.servers.append(server.to_dict())


def remove(settings: RemoteSettings, name: str) -> None:
    """Forget a saved server and its API key. The caller writes the settings file."""
    settings.servers = [d for d in settings.servers if not (isinstance(d, dict) and d.get("name") == name)]
    secrets.delete(RemoteServer(name=name, url="http://x").key_account)
