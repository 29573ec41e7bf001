"""Hub search, file listing and remote header reads against the loopback Hub (real HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import HearthError
from app.models import fit, gguf, hub
from tests.app.models.conftest import GATED_REPO, STARTER_FILE, STARTER_REPO
from tests.support import gguf_write
from tests.support.hub import FakeHub


def test_search_finds_gguf_repos(fake_hub: FakeHub) -> None:
    results = hub.search("smollm2")
    assert [r.repo_id for r in results] == [STARTER_REPO]
    assert results[0].downloads == 1000
    assert hub.search("no-such-thing") == []
    assert any(q.startswith("/api/models?") and "filter=gguf" in q for _, q, _ in fake_hub.stats.requests)


def test_files_have_size_and_sha256(fake_hub: FakeHub, starter_model: Path) -> None:
    (remote,) = hub.files(STARTER_REPO)
    assert remote.filename == STARTER_FILE
    assert remote.size == starter_model.stat().st_size
    assert remote.sha256 == fake_hub.repos[STARTER_REPO].files[STARTER_FILE].sha256
    assert remote.quant == "Q4_1"


def test_split_files_are_grouped(fake_hub: FakeHub, tmp_path: Path) -> None:
    for i in (1, 2, 3):
        name = f"big-Q8_0-0000{i}-of-00003.gguf"
        fake_hub.add_file("me/split-GGUF", name, gguf_write.tiny_llama(tmp_path / name))
    fake_hub.add_file("me/split-GGUF", "mmproj-f16.gguf", gguf_write.tiny_llama(tmp_path / "mm.gguf"))
    (remote,) = hub.files("me/split-GGUF")
    assert remote.filename == "big-Q8_0-00001-of-00003.gguf"
    assert len(remote.parts) == 3 and remote.size == sum(remote.part_sizes)
    assert remote.quant == "Q8_0"


def test_remote_header_reads_only_the_header(fake_hub: FakeHub, starter_model: Path) -> None:
    (remote,) = hub.files(STARTER_REPO)
    report, info = hub.fit_remote(remote, 2048, machine=fit.Machine(8 * fit.GiB, 8 * fit.GiB))
    local = gguf.read_file(starter_model)
    assert info.tensors == local.tensors
    assert report.weights_bytes == local.weights_bytes
    assert report.bytes_read == info.bytes_fetched < 3 * 2**20  # of a 98 MB file
    assert fake_hub.stats.sent(STARTER_FILE) == info.bytes_fetched


def test_gated_repo_needs_a_token(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    (remote,) = hub.files(GATED_REPO)  # metadata is public, like on the real Hub
    with pytest.raises(HearthError, match="gated"):
        hub.read_remote_header(GATED_REPO, remote.filename)
    monkeypatch.setenv("HF_TOKEN", fake_hub.token)
    assert hub.read_remote_header(GATED_REPO, remote.filename).n_layers == 2


def test_unknown_repo_and_file(fake_hub: FakeHub) -> None:
    with pytest.raises(HearthError, match="no such model repo"):
        hub.files("nobody/nothing")
    with pytest.raises(HearthError, match="does not exist"):
        hub.resolve(STARTER_REPO, "missing.gguf")


def test_offline_mode(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HearthError, match="HF_HUB_OFFLINE"):
        hub.search("smol")
    assert fake_hub.stats.requests == []


def test_unreachable_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeHub() as dead:
        url = dead.url
    monkeypatch.setenv("HF_ENDPOINT", url)  # nothing listens there any more
    with pytest.raises(HearthError, match="cannot reach the Hub"):
        hub.files("me/x")
    with pytest.raises(HearthError, match="cannot reach the Hub"):
        hub.resolve("me/x", "x.gguf")


def test_gemma_header_costs_under_5_mb(fake_hub: FakeHub, gemma_model: Path) -> None:
    fake_hub.add_file("google/gemma-3-270m-GGUF", gemma_model.name, gemma_model)
    info = hub.read_remote_header("google/gemma-3-270m-GGUF", gemma_model.name)
    assert info.n_vocab == 262144 and info.sliding_window == 512
    assert info.bytes_fetched < 5_000_000  # the header is 6.5 MB; 2 MB of arrays are skipped


def test_plan_files_marks_the_best_quant_that_fits(fake_hub: FakeHub, tmp_path: Path) -> None:
    machine = fit.Machine(available_ram=int(0.25 * fit.GiB), total_ram=fit.GiB)
    big = gguf_write.tiny_llama(tmp_path / "m-F16.gguf", n_layers=30, n_embd=1024, n_vocab=512)
    fake_hub.add_file(STARTER_REPO, "SmolLM2-135M-Instruct-F16.gguf", big)
    plans, fetched = hub.plan_files(STARTER_REPO, 2048, machine)
    by_quant = {p.remote.quant: p for p in plans}
    assert not by_quant["F16"].report.fits  # 0.25 GB available, F16 file needs more
    assert [p.remote.quant for p in plans if p.best] == ["Q4_1"]
    assert 0 < fetched < 3 * 2**20


def test_a_server_ignoring_ranges_is_stopped_at_once(fake_hub: FakeHub, starter_model: Path) -> None:
    fake_hub.faults.ignore_range = True  # every range answered with the whole 98 MB file (200)
    with pytest.raises(HearthError, match="ignores byte ranges"):
        hub.read_remote_header(STARTER_REPO, STARTER_FILE)
    # the body was never read: what the server managed to push fits in the socket buffers
    assert fake_hub.stats.sent(STARTER_FILE) < 16 * 2**20 < starter_model.stat().st_size


def test_a_header_asking_for_too_many_bytes_is_cut_off(fake_hub: FakeHub, tmp_path: Path) -> None:
    huge = {f"junk.{i}": "x" * (15 * 2**20) for i in range(5)}  # 75 MiB of legal 15 MiB strings
    path = gguf_write.write(tmp_path / "hostile.gguf", huge, [("w", 0, (8,))])
    fake_hub.add_file("evil/huge-GGUF", path.name, path)
    with pytest.raises(gguf.GgufError, match="more than 64 MiB"):
        hub.read_remote_header("evil/huge-GGUF", path.name)
    assert fake_hub.stats.sent(path.name) <= hub.MAX_HEADER_FETCH


def test_each_gguf_of_a_repo_is_planned_from_its_own_header(fake_hub: FakeHub, tmp_path: Path) -> None:
    machine = fit.Machine(available_ram=8 * fit.GiB, total_ram=8 * fit.GiB)
    draft = gguf_write.tiny_llama(tmp_path / "draft-Q4_0.gguf", n_layers=2, n_embd=64)  # the smallest
    main = gguf_write.tiny_llama(tmp_path / "main-Q4_0.gguf", n_layers=24, n_embd=512, n_head=8, n_head_kv=8)
    for f in (draft, main):
        fake_hub.add_file("me/mixed-GGUF", f.name, f)
    plans, fetched = hub.plan_files("me/mixed-GGUF", 2048, machine)
    for p in plans:
        own = fit.plan(gguf.read_file(tmp_path / p.remote.filename), 2048, None, machine)
        assert (p.report.kv_cache_bytes, p.report.weights_bytes) == (own.kv_cache_bytes, own.weights_bytes)
    assert plans[0].report.kv_cache_bytes * 10 < plans[1].report.kv_cache_bytes
    assert fetched == fake_hub.stats.sent(draft.name) + fake_hub.stats.sent(main.name)


def test_a_header_read_survives_huggingface_hubs_shared_client_being_closed(fake_hub: FakeHub) -> None:
    from huggingface_hub import get_session

    reader = hub.RangedReader(hub.resolve(STARTER_REPO, STARTER_FILE))
    shared = get_session()
    try:
        shared.close()  # what huggingface_hub's retry loop does when a request cannot connect
        assert reader.client is hub.own_client() and reader.client is not shared
        assert reader.read(4) == b"GGUF"
    finally:
        from huggingface_hub import close_session

        close_session()  # the next request makes a new shared client
