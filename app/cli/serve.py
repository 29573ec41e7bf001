"""``serve``: Hearth's OpenAI-compatible API on this machine (``app.assistant.server``).

The model (``--model``, else the chat model from the settings) is loaded first; requests may name any
installed model (it is loaded for them) or ``hearth/docs:LIBRARY`` for grounded answers. Loopback only
unless an API key is set (``--new-api-key`` makes one and keeps it in the system keyring, or
``HEARTH_API_KEY`` gives one for this run). Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the OpenAI-compatible API", description=__doc__)
    p.add_argument("--host", default=None, help="interface to listen on (default: settings, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: settings, 8765)")
    p.add_argument("--model", default=None, help="the model to load first (default: settings)")
    p.add_argument("--ctx", type=int, default=None, help="context length in tokens")
    p.add_argument("--queue", type=int, default=None, help="requests that may wait (more get 503)")
    p.add_argument("--new-api-key", action="store_true", help="make an API key, save it and print it")
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    from app import per_model, settings
    from app.assistant import server
    from app.assistant.runner import EngineRunner
    from app.chat.engine import LocalEngine
    from app.models import bundled

    cfg = settings.load()
    path = bundled.resolve(args.model or cfg.chat.model_path)
    cfg.chat = per_model.effective(cfg.chat, path)  # this model file's own settings (Settings → Model)
    if args.ctx:
        cfg.chat.n_ctx = args.ctx
    if args.new_api_key:
        print(f"API key (saved in the system keyring; shown once): {server.new_api_key()}", file=sys.stderr)
    config = server.server_config(cfg, args.host, args.port, switch_models=True)
    server.check_config(config)  # before the model loads
    queue = cfg.api.queue_size if args.queue is None else args.queue
    engine = LocalEngine()
    info = engine.load(path, cfg.chat.load_params())
    if info.load_note:
        print(info.load_note, file=sys.stderr)
    runner = EngineRunner(lambda: engine, max_waiting=queue)
    try:
        api = server.ApiServer(runner, config)
    except BaseException:
        runner.shutdown()
        raise
    print(f"Serving {path.name} at {api.url} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    try:
        api.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        api.close()
        runner.shutdown(2.0)
    return 0
