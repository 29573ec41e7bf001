"""The curated catalog loads, covers every RAM tier, and recommendations fit the RAM."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import HearthError
from app.models import catalog, names


def test_catalog_covers_every_tier() -> None:
    entries = catalog.load()
    assert {e.ram_tier_gb for e in entries} == {2, 4, 8, 16, 32, 64}
    for e in entries:
        assert e.file.endswith(".gguf") and "/" in e.repo
        assert names.quant_label(e.file), e.file
        assert e.needs_gb <= e.ram_tier_gb * catalog.RAM_SHARE, e.name


@pytest.mark.parametrize("ram", [2, 4, 8, 16, 32, 64, 128])
def test_recommend_fits_the_ram(ram: int) -> None:
    picks = catalog.recommend(ram)
    assert picks
    assert all(e.needs_gb <= ram * catalog.RAM_SHARE for e in picks)
    assert picks[0].size_gb == max(e.size_gb for e in picks if e.ram_tier_gb == picks[0].ram_tier_gb)


def test_recommend_nothing_for_tiny_ram() -> None:
    assert catalog.recommend(0.5) == []


def test_damaged_catalog(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.json"
    bad.write_text("{not json")
    with pytest.raises(HearthError, match="damaged"):
        catalog.load(bad)
