#!/usr/bin/env bash
# Check the built Linux bundle as a fresh machine would run it (empty environment, no network, the
# build tree hidden): see packaging/check_bundle.py. Run `make dist` first; CI runs both after the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python packaging/check_bundle.py "$@"
