"""Puts the test network guard into every Python subprocess a test starts (on PYTHONPATH)."""

import os
import sys
from pathlib import Path

if os.environ.get("HEARTH_NET_GUARD_LOG"):
    sys.path.append(str(Path(__file__).resolve().parents[3]))
    from tests.support import netguard

    netguard.install()
