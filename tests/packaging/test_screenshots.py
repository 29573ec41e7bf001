"""``make screenshots`` does not rot: the script captures real pages (offscreen, no X server needed),
light and dark, as PNGs of the window's size that show something, the dark one darker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageStat

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "screenshots.py"
WINDOW_SIZE = (1200, 760)  # packaging/screenshots.py's WINDOW_SIZE


def capture(tmp_path: Path, pages: str) -> Path:
    out = tmp_path / "shots"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, str(SCRIPT), "--out", str(out), "--pages", pages, "--home", str(tmp_path / "home")]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def luminance(path: Path) -> tuple[float, float, int]:
    """Mean and spread of the grey levels, and how many colours the image has."""
    with Image.open(path) as image:
        grey = image.convert("L")
        stat = ImageStat.Stat(grey)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16) or []
        return stat.mean[0], stat.stddev[0], len(colours)


@pytest.mark.slow
def test_remote_servers_and_about_light_and_dark(tmp_path: Path) -> None:
    out = capture(tmp_path, "remote-servers,about")
    assert sorted(p.name for p in out.iterdir()) == [
        "about-dark.png",
        "about-light.png",
        "remote-servers-dark.png",
        "remote-servers-light.png",
    ]
    for scheme in ("light", "dark"):
        with Image.open(out / f"remote-servers-{scheme}.png") as image:
            assert image.size == WINDOW_SIZE
        with Image.open(out / f"about-{scheme}.png") as image:
            assert 200 <= image.width <= 800 and 200 <= image.height <= 800, image.size
    for name in ("remote-servers", "about"):
        light_mean, light_spread, light_colours = luminance(out / f"{name}-light.png")
        dark_mean, dark_spread, dark_colours = luminance(out / f"{name}-dark.png")
        for spread, colours in ((light_spread, light_colours), (dark_spread, dark_colours)):
            assert spread > 10 and colours > 20, (name, spread, colours)  # text and widgets, not blank
        assert light_mean > 180 > 90 > dark_mean, (name, light_mean, dark_mean)
    total = sum(p.stat().st_size for p in out.iterdir())
    assert total < 400_000, total  # optimized: the README's set stays small
