"""The curated catalog: its entries, the header stand-in they are planned from, the ranking on machines
of different sizes, and the Hub's most downloaded GGUF repos ranked in (loopback Hub)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import HearthError
from app.models import catalog, fit, names
from app.models.speed import MachineSpeed
from tests.support import gguf_write
from tests.support.hub import FakeHub

GB = 1e9
FAMILIES = ("Qwen3", "Gemma 3", "Llama 3", "Phi-4-mini", "SmolLM3", "Granite")


def machine(ram_gb: float, bandwidth_gb_s: float = 20) -> fit.Machine:
    return fit.Machine(int(ram_gb * GB), int(ram_gb * GB), speed=MachineSpeed(bandwidth_gb_s * GB))


def test_catalog_entries() -> None:
    entries = catalog.load()
    for family in FAMILIES:
        assert any(e.name.startswith(family) for e in entries), family
    by_model: dict[str, set[str]] = {}
    for e in entries:
        assert e.file.endswith(".gguf") and e.repo.count("/") == 1 and e.source == "curated"
        assert names.quant_label(e.file) == e.quant, e.file
        by_model.setdefault(e.name, set()).add(e.quant)
    assert all(len(q) == 2 and "Q4_K_M" in q and q & {"Q3_K_M", "Q3_K_L"} for q in by_model.values())


@pytest.mark.parametrize("entry", catalog.load(), ids=lambda e: e.file)
def test_stand_in_header_adds_up(entry: catalog.Entry) -> None:
    info = catalog.approx_info(entry)
    assert info.weights_bytes == pytest.approx(entry.size_gb * GB, rel=0.01)
    assert info.n_layers == entry.arch["n_layers"] and info.n_head_kv == entry.arch["n_head_kv"]
    assert bool(info.sliding_window) == (entry.arch["architecture"] == "gemma3")
    report = fit.plan(info, 4096, 0, machine(64))
    assert report.kv_cache_bytes > 0 and report.ram_bytes > info.weights_bytes


def test_mixture_of_experts_is_predicted_faster_than_its_size() -> None:
    moe = next(e for e in catalog.load() if e.arch.get("expert_count") and e.quant == "Q4_K_M")
    dense = next(e for e in catalog.load() if e.name == "Qwen3 8B" and e.quant == "Q4_K_M")
    m = machine(64)
    assert moe.size_gb > 3 * dense.size_gb
    assert (
        catalog.plan(moe, 4096, m).report.predicted_tokens_per_s
        > catalog.plan(dense, 4096, m).report.predicted_tokens_per_s
    )  # type: ignore[operator]


@pytest.mark.parametrize("ram_gb", [4, 8, 16, 32, 64])
def test_recommend_ranks_what_fits(ram_gb: float) -> None:
    m = machine(ram_gb, bandwidth_gb_s=ram_gb * 4)  # bigger machines have faster memory
    picks = catalog.recommend(m, 4096)
    assert picks and all(p.report.fits for p in picks)
    entries = catalog.load()
    assert len(picks) < len(entries) or ram_gb == 64  # the large models do not fit the small machines
    tiers = [catalog.rank_key(p)[0] for p in picks]
    assert tiers == sorted(tiers)  # comfortable and fast enough, then comfortable, then tight
    tier0 = [p for p in picks if catalog.rank_key(p)[0] == 0]
    assert all((p.report.predicted_tokens_per_s or 0) >= catalog.MIN_TOKENS_PER_S for p in tier0)
    assert all(p.report.kind != "tight" for p in tier0)
    assert [p.entry.params_b for p in tier0] == sorted((p.entry.params_b for p in tier0), reverse=True)


def test_bigger_machine_gets_a_bigger_model() -> None:
    small = catalog.recommend(machine(8, 20), 4096)[0]
    big = catalog.recommend(machine(64, 200), 4096)[0]
    assert big.entry.params_b > small.entry.params_b


def test_nothing_for_tiny_ram() -> None:
    assert catalog.recommend(machine(0.3), 4096) == []


def test_damaged_catalog(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.json"
    bad.write_text("{not json")
    with pytest.raises(HearthError, match="damaged"):
        catalog.load(bad)


def test_hub_picks_rank_popular_repos(fake_hub: FakeHub, tmp_path: Path) -> None:
    embed = gguf_write.tiny_llama(tmp_path / "e-Q4_0.gguf")
    fake_hub.add_file("someone/embedder-GGUF", "e-Q4_0.gguf", embed, tags=["gguf", "sentence-similarity"])
    base = gguf_write.tiny_llama(tmp_path / "b-Q4_0.gguf", extra={"tokenizer.chat_template": ""})
    fake_hub.add_file("someone/base-GGUF", "b-Q4_0.gguf", base, downloads=10**6)
    picks = catalog.hub_picks(4096, machine(16))
    # the starter's repo is the only chat model: the embedder, the base model (no chat template) and
    # the gated repo are left out
    assert [p.entry.repo for p in picks] == ["HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"]
    (pick,) = picks
    assert pick.entry.source == "hub" and not pick.approximate and pick.report.predicted_tokens_per_s
    assert pick.entry.params_b == pytest.approx(0.135, rel=0.1)
    ranked = catalog.recommend(machine(16), 4096, extra=picks)
    assert pick in ranked and ranked == sorted(ranked, key=catalog.rank_key)


def test_hub_picks_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HearthError, match="turned off"):
        catalog.hub_picks(4096, machine(16))
