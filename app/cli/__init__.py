"""Command-line front end: one argparse tree, one subcommand module per feature.

Each command module has ``register(subparsers)``, which adds its parser and sets ``func`` to a
callable ``(args) -> int``. Heavy imports happen inside those callables only. Expected failures
(:class:`HearthError`) print one plain line on stderr and exit 2; so does a damaged data file kept
aside (one line each). Warnings and errors go to the shared log file too (``app.logs``). The GUI
and the benchmarks live outside app/ (they need Qt), so main.py passes them in.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Iterable
from types import ModuleType

from app import __version__, datafile, logs
from app.errors import HearthError

COMMANDS = ("app.cli.chat", "app.cli.models", "app.cli.docs", "app.cli.serve")
log = logging.getLogger(__name__)


def build_parser(extra: Iterable[ModuleType] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Chat with local LLMs and your PDFs, offline. No command: the GUI."
    )
    parser.add_argument("--version", action="version", version=f"Hearth {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in [importlib.import_module(name) for name in COMMANDS] + list(extra):
        module.register(sub)
    return parser


def run(argv: list[str], gui: Callable[[], int], extra: Iterable[ModuleType] = ()) -> int:
    args = build_parser(extra).parse_args(argv)
    if args.command is None:
        return gui()
    logs.setup("cli", verbose=args.verbose)
    datafile.set_reporter(lambda text: print(f"hearth: {text}", file=sys.stderr))
    try:
        from app import settings
        from app.models import setup

        setup.apply(settings.load().models)  # the download folder and the Hub proxy
        return int(args.func(args))
    except HearthError as exc:
        log.info("%s failed: %s", args.command, exc, extra=logs.SHOWN)
        print(f"hearth: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hearth: interrupted", file=sys.stderr)
        return 130
