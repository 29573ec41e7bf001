"""Command-line front end: one argparse tree, one subcommand module per feature.

Each command module has ``register(subparsers)``, which adds its parser and sets ``func`` to a
callable ``(args) -> int``. Heavy imports happen inside those callables only. Expected failures
(:class:`HearthError`) print one plain line on stderr and exit 2. The GUI and the benchmarks live
outside app/ (they need Qt), so main.py passes them in.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Iterable
from types import ModuleType

from app import __version__
from app.errors import HearthError

COMMANDS = ("app.cli.chat", "app.cli.models", "app.cli.docs", "app.cli.serve")


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
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    if not args.verbose:  # llama.cpp's own lines (e.g. its errors after Stop aborts a decode): -v only
        for handler in logging.getLogger().handlers:
            handler.addFilter(lambda record: not record.name.startswith("llama.cpp"))
    if args.command is None:
        return gui()
    try:
        return int(args.func(args))
    except HearthError as exc:
        print(f"hearth: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hearth: interrupted", file=sys.stderr)
        return 130
