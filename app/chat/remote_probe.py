"""What a remote OpenAI-compatible server offers, and its faults in plain words.

The chat completions API has no field for a model's context length, so it is looked up where the
common servers put it, first answer wins:

* the ``/v1/models`` entry: ``max_model_len`` (vLLM), ``loaded_context_length``/``max_context_length``
  (LM Studio), ``context_length``/``context_window`` (others);
* ``GET /props`` → ``default_generation_settings.n_ctx`` (llama.cpp's llama-server);
* ``GET /api/v0/models/<id>`` → ``loaded_context_length`` (LM Studio's REST API);
* ``POST /api/show`` → ``num_ctx`` in its parameters (Ollama; only when set for the model).

A training context (llama-server's ``meta.n_ctx_train``, Ollama's ``*.context_length``) is not the
context the server runs with, so it is not used; without an answer the caller falls back to a setting.
The tokenizer endpoints (``/extras/tokenize`` of llama-cpp-python, ``/tokenize`` of llama-server and
vLLM) give the bytes per token of the server's own tokenizer, for estimating prompt sizes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from app.chat.servers import RemoteServer
from app.errors import HearthError
from app.i18n import tr

if TYPE_CHECKING:
    import httpx

    from app.chat.remote import RemoteEngine

log = logging.getLogger(__name__)

DEFAULT_BYTES_PER_TOKEN = 3.0  # when the server cannot tokenize: over-counts English text (~4)
PROBE_TIMEOUT_S = 5.0
_SAMPLE = (
    "Hearth measures how many bytes of ordinary text make one token of this server's tokenizer, so that"
    " it can tell how much of a conversation and of a document fits the model's context window. 1234."
)


def _body_message(response: httpx.Response) -> str:
    try:
        data: Any = response.json()
    except ValueError:
        return " ".join(response.text.split())[:200]
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", data.get("message")))
        if isinstance(err, dict):
            err = err.get("message", err)
        if err:
            return str(err)[:200]
    return str(data)[:200]


def status_error(server: RemoteServer, response: httpx.Response, model: str = "") -> HearthError:
    """One plain sentence for an HTTP error answer."""
    code = response.status_code
    detail = _body_message(response)
    said = f"HTTP {code}: {detail}" if detail else f"HTTP {code}"
    name = server.name
    if code in (401, 403):
        return HearthError(
            tr(
                "{name} refused the request ({said}): the API key is missing or wrong. Set it in Models →"
                " Remote servers (or HEARTH_REMOTE_API_KEY)."
            ).format(name=name, said=said)
        )
    if code == 404 and model and response.request.url.path.endswith("/chat/completions"):
        return HearthError(
            tr("{name} has no model '{model}' ({said}). Pick one it offers.").format(
                name=name, model=model, said=said
            )
        )
    if code == 404:
        return HearthError(
            tr(
                "{name} has no {path} ({said}): is {url} the address of its"
                " OpenAI-compatible API (usually ending in /v1)?"
            ).format(name=name, path=response.request.url.path, said=said, url=server.url)
        )
    if code == 429:
        return HearthError(tr("{name} is busy ({said}): try again in a moment.").format(name=name, said=said))
    if code >= 500:
        return HearthError(
            tr("{name} failed ({said}). Try again later, or look at the server's log.").format(
                name=name, said=said
            )
        )
    return HearthError(tr("{name} rejected the request ({said}).").format(name=name, said=said))


def network_error(server: RemoteServer, exc: httpx.HTTPError) -> HearthError:
    """One plain sentence for a request that got no answer."""
    import httpx

    name, url = server.name, server.url
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ProxyError):
        return HearthError(
            tr("The proxy refused the connection to {name} ({error}): check HTTPS_PROXY.").format(
                name=name, error=text
            )
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return HearthError(
            tr("{name} at {url} did not answer the connection in time: is the address right?").format(
                name=name, url=url
            )
        )
    if isinstance(exc, httpx.TimeoutException):
        return HearthError(
            tr("{name} stopped answering (nothing for the read timeout). Try again later.").format(name=name)
        )
    if isinstance(exc, httpx.ConnectError):
        low = text.lower()
        if "certificate" in low or "ssl" in low:
            why = tr("its TLS certificate is not trusted ({error}); SSL_CERT_FILE can name its CA").format(
                error=text
            )
        elif "refused" in low:
            why = tr("the connection was refused: is the server running, on that port?")
        elif "name" in low or "resolution" in low or "nodename" in low:
            why = tr("that host name is unknown")
        else:
            why = text
        return HearthError(tr("Cannot connect to {name} at {url}: {why}").format(name=name, url=url, why=why))
    return HearthError(tr("The connection to {name} failed: {error}").format(name=name, error=text))


def _get(engine: RemoteEngine, url: str, body: dict[str, Any] | None = None) -> Any:
    """JSON of a probe request, or None for any failure (probes are optional)."""
    try:
        client = engine.http()
        if body is None:
            response = client.get(url, timeout=PROBE_TIMEOUT_S)
        else:
            response = client.post(url, json=body, timeout=PROBE_TIMEOUT_S)
        return response.json() if response.status_code == 200 else None
    except Exception as exc:  # httpx errors, bad JSON: the server just does not say
        log.debug("probe %s: %s", url, exc)
        return None


def list_models(engine: RemoteEngine) -> list[dict[str, Any]]:
    """``GET /v1/models``: the entries with an ``id`` (errors in plain words)."""
    import httpx

    server = engine.server
    try:
        response = engine.http().get(server.url + "/models")
    except httpx.HTTPError as exc:
        raise network_error(server, exc) from exc
    if response.status_code >= 400:
        raise status_error(server, response)
    try:
        data = response.json()
    except ValueError:
        raise HearthError(
            tr("{name} at {url} does not answer like an OpenAI API.").format(name=server.name, url=server.url)
        ) from None
    entries = data.get("data") if isinstance(data, dict) else None
    found = [e for e in entries or [] if isinstance(e, dict) and isinstance(e.get("id"), str)]
    if not found:
        raise HearthError(
            tr("{name} offers no models (its /v1/models list is empty).").format(name=server.name)
        )
    return found


def pick_model(server: RemoteServer, wanted: str, offered: list[str]) -> str:
    if wanted:
        if wanted in offered:
            return wanted
        raise HearthError(
            tr("{name} has no model '{model}'. It offers: {models}.").format(
                name=server.name, model=wanted, models=", ".join(offered)
            )
        )
    if len(offered) == 1:
        return offered[0]
    raise HearthError(
        tr("{name} offers several models; pick one (--model NAME): {models}.").format(
            name=server.name, models=", ".join(offered)
        )
    )


def _positive(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def context_length(engine: RemoteEngine, entry: dict[str, Any], model: str) -> tuple[int, str]:
    """(context length, where it came from) or (0, "") when the server does not say."""
    for key in ("max_model_len", "loaded_context_length", "max_context_length", "context_length",
                "context_window"):  # fmt: skip
        if n := _positive(entry.get(key)):
            return n, f"the server's model list ({key})"
    root = engine.server.root
    props = _get(engine, f"{root}/props")
    defaults = props.get("default_generation_settings") if isinstance(props, dict) else None
    if isinstance(defaults, dict) and (n := _positive(defaults.get("n_ctx"))):
        return n, "the server (/props)"
    lms = _get(engine, f"{root}/api/v0/models/{model}")
    if isinstance(lms, dict) and (n := _positive(lms.get("loaded_context_length"))):
        return n, "the server (/api/v0/models)"
    show = _get(engine, f"{root}/api/show", {"model": model})
    if isinstance(show, dict) and isinstance(show.get("parameters"), str):
        for line in show["parameters"].splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "num_ctx" and parts[1].isdigit():
                return int(parts[1]), "the server (/api/show)"
    return 0, ""


def bytes_per_token(engine: RemoteEngine, model: str) -> float:
    """UTF-8 bytes per token of the server's tokenizer on a sample sentence, when it can tell."""
    root = engine.server.root
    for url, body in (
        (f"{root}/extras/tokenize", {"input": _SAMPLE, "model": model}),
        (f"{root}/tokenize", {"content": _SAMPLE}),
        (f"{root}/tokenize", {"model": model, "prompt": _SAMPLE}),
    ):
        data = _get(engine, url, body)
        tokens = data.get("tokens") if isinstance(data, dict) else None
        if isinstance(tokens, list) and tokens:
            return max(1.0, len(_SAMPLE.encode("utf-8")) / len(tokens))
    return DEFAULT_BYTES_PER_TOKEN
