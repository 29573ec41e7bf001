"""``pip install .`` builds a wheel with the app's three packages, its data and the ``hearth`` command,
one version, and nothing of the source checkout (tests, benchmarks, packaging)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import app

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_has_packages_data_entry_point_and_one_version(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(tmp_path),
        str(ROOT),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=240)
    (wheel,) = tmp_path.glob("hearth-*.whl")
    assert wheel.name.startswith(f"hearth-{app.__version__}-")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = zf.read(f"hearth-{app.__version__}.dist-info/entry_points.txt").decode()
    for needed in (
        "app/backends.py",
        "ui/launcher.py",
        "ui/about.py",
        "resources/catalog.json",
        "resources/icons/hearth.svg",
    ):
        assert needed in names, needed
    assert {f"resources/icons/hearth-{n}.png" for n in (16, 32, 48, 64, 128, 256, 512)} <= names
    assert not {n for n in names if n.split("/")[0] in ("tests", "bench", "packaging", "main.py")}
    assert "hearth = ui.launcher:main" in entry_points


def test_installed_command_runs() -> None:
    exe = Path(sys.executable).with_name("hearth")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"Hearth {app.__version__}"


def test_no_source_tree_assumptions() -> None:
    """What a wheel or a frozen app lacks: a checkout around the code, a Python that takes ``-c``."""
    pattern = re.compile(r"Path\(__file__\)|sys\.executable|parents\[")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("app", "ui", "resources")
        for path in sorted((ROOT / package).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, found
