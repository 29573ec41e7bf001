"""Benchmarks behind ``python main.py bench {chat,library,speed,docs,bundle,fuzz,serve}``: ours vs a
reference, one run; ``fuzz`` feeds hostile files to the app's readers."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

SUITES = ("chat", "library", "speed", "docs", "bundle", "fuzz", "serve")


def register(sub: Any) -> None:
    p = sub.add_parser("bench", help="measure speed against the raw libraries", description=__doc__)
    p.add_argument("suite", choices=SUITES)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"bench.{args.suite}")
    return int(module.main(args))
