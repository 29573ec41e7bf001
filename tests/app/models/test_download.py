"""Downloads over real HTTP from the loopback Hub: resume, retries, verification, pause and cancel."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Generator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from app import paths
from app.cancel import Cancelled, CancelToken
from app.errors import HearthError
from app.models import download, hub, library
from app.models.download import Progress
from tests.app.models.conftest import GATED_REPO, STARTER_FILE, STARTER_REPO
from tests.support.hub import FakeHub

MiB = 2**20


def drain(gen: Generator[Progress, None, Path]) -> tuple[list[Progress], Path]:
    seen = []
    try:
        while True:
            seen.append(next(gen))
    except StopIteration as stop:
        return seen, stop.value


def starter_remote() -> hub.RemoteFile:
    (remote,) = hub.files(STARTER_REPO)
    return remote


def test_download_verifies_and_installs(fake_hub: FakeHub, starter_model: Path) -> None:
    seen, path = drain(download.download(starter_remote()))
    assert path.read_bytes() == starter_model.read_bytes()
    assert path.parent.parent == paths.models_dir()
    assert seen[-1].state == "done" and seen[-1].fraction == 1.0
    assert "verifying" in [p.state for p in seen]
    assert not list(paths.downloads_dir().glob("*.part*"))  # no part, note or lock file left
    (model,) = [m for m in library.installed() if m.path == path]
    assert model.source == f"hf://{STARTER_REPO}/{STARTER_FILE}" and model.quant == "Q4_1"
    # a second run finds it installed and fetches nothing
    before = fake_hub.stats.sent(STARTER_FILE)
    drain(download.download(starter_remote()))
    assert fake_hub.stats.sent(STARTER_FILE) == before
    # installed before checksums were kept beside files: trusted from the list, the checksum moved
    library.checksum_file(path).unlink()
    drain(download.download(starter_remote()))
    assert fake_hub.stats.sent(STARTER_FILE) == before and library.verified(path) is not None


def test_resume_across_runs_refetches_little(fake_hub: FakeHub, starter_model: Path) -> None:
    size = starter_model.stat().st_size
    fake_hub.faults.drop_after = 40 * MiB
    fake_hub.faults.drop_times = 1
    with pytest.raises(HearthError, match="run it again to resume"):
        drain(download.download(starter_remote(), retries=0))
    (part,) = paths.downloads_dir().glob("*.part")
    assert part.stat().st_size == 40 * MiB
    assert not any(m.source.startswith("hf://") for m in library.installed())
    _, path = drain(download.download(starter_remote()))
    assert path.read_bytes() == starter_model.read_bytes()
    assert fake_hub.stats.sent(STARTER_FILE) - size <= 1 * MiB
    ranges = [r for m, q, r in fake_hub.stats.requests if q.startswith("/cdn/")]
    assert ranges[-1] == f"bytes={40 * MiB}-"


def test_retries_transient_failures_in_one_run(fake_hub: FakeHub, starter_model: Path) -> None:
    fake_hub.faults.drop_after = 10 * MiB
    fake_hub.faults.drop_times = 2
    fake_hub.faults.errors_5xx = 1
    seen, path = drain(download.download(starter_remote(), backoff=0.01))
    assert [p.state for p in seen].count("retrying") == 3
    assert path.read_bytes() == starter_model.read_bytes()


def test_hash_mismatch_is_quarantined(fake_hub: FakeHub) -> None:
    fake_hub.faults.corrupt_at = 12345
    with pytest.raises(HearthError, match="does not match the Hub"):
        drain(download.download(starter_remote()))
    assert not (download.model_folder(STARTER_REPO) / STARTER_FILE).exists()
    assert len(list((paths.downloads_dir() / "quarantine").iterdir())) == 1
    assert not any(m.name == STARTER_FILE and m.source != "starter" for m in library.installed())


def test_pause_keeps_the_part_and_cancel_discards_it(fake_hub: FakeHub, starter_model: Path) -> None:
    fake_hub.faults.rate_bps = 20 * MiB
    token = CancelToken()
    gen = download.download(starter_remote(), cancel=token, chunk=256 * 1024)
    with pytest.raises(Cancelled):
        for p in gen:
            if p.done_bytes > 2 * MiB:
                assert p.speed_bps > 0 and p.eta_s is not None
                token.cancel()
    (part,) = paths.downloads_dir().glob("*.part")
    assert 2 * MiB < part.stat().st_size < starter_model.stat().st_size
    download.discard(starter_remote())
    assert not part.exists()


def test_gated_download(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    (remote,) = hub.files(GATED_REPO)
    with pytest.raises(HearthError, match="gated"):
        drain(download.download(remote))
    monkeypatch.setenv("HF_TOKEN", fake_hub.token)
    _, path = drain(download.download(remote))
    assert path.is_file()
    # the token went to the Hub, never to the CDN origin (another host: signed addresses need none)
    auth = fake_hub.stats.authorization
    assert ("hub", f"Bearer {fake_hub.token}") in auth
    assert [a for origin, a in auth if origin == "cdn"] == ["" for origin, _ in auth if origin == "cdn"] != []


class _Usage(NamedTuple):
    total: int
    used: int
    free: int


def test_not_enough_disk(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    def tiny_disk(path: Any) -> _Usage:
        return _Usage(10 * MiB, 9 * MiB, 1 * MiB)

    monkeypatch.setattr(shutil, "disk_usage", tiny_disk)
    with pytest.raises(HearthError, match="Not enough disk space"):
        drain(download.download(starter_remote()))
    assert fake_hub.stats.sent(STARTER_FILE) == 0


def test_unknown_file_name(fake_hub: FakeHub) -> None:
    with pytest.raises(HearthError, match="no GGUF file named"):
        download.find_remote(STARTER_REPO, "nope.gguf")
    assert download.find_remote(STARTER_REPO, STARTER_FILE).filename == STARTER_FILE


def test_one_downloader_per_file(fake_hub: FakeHub) -> None:
    fake_hub.faults.rate_bps = 20 * MiB
    first = download.download(starter_remote(), chunk=256 * 1024)
    next(first)  # holds the part file
    with pytest.raises(HearthError, match="already being downloaded"):
        drain(download.download(starter_remote()))
    first.close()  # a closed (paused) download releases it
    fake_hub.faults.rate_bps = None
    _, path = drain(download.download(starter_remote()))
    assert path.is_file()


def split_remote(fake_hub: FakeHub, tmp_path: Path, parts: int = 2) -> hub.RemoteFile:
    from tests.support import gguf_write

    for i in range(1, parts + 1):
        name = f"big-Q4_0-{i:05d}-of-{parts:05d}.gguf"
        src = gguf_write.tiny_llama(tmp_path / name, n_embd=256, extra={"split.count": parts})
        fake_hub.add_file("me/split-GGUF", name, src)
    (remote,) = hub.files("me/split-GGUF")
    return remote


def test_split_model_downloads_every_part(fake_hub: FakeHub, tmp_path: Path) -> None:
    from app.models import fit

    remote = split_remote(fake_hub, tmp_path)
    seen, first = drain(download.download(remote))
    assert first.name == "big-Q4_0-00001-of-00002.gguf"
    assert (first.parent / "big-Q4_0-00002-of-00002.gguf").is_file()
    assert seen[-1].done_bytes == remote.size
    (model,) = [m for m in library.installed() if m.source.startswith("hf://")]
    assert model.path == first
    report = fit.plan_file(first, 512, machine=fit.Machine(fit.GiB, fit.GiB))
    assert report.weights_bytes == 2 * model.info.weights_bytes  # type: ignore[union-attr]
    library.remove(model.name)
    assert not list(first.parent.glob("*.gguf"))


def test_split_model_is_installed_whole_or_not_at_all(fake_hub: FakeHub, tmp_path: Path) -> None:
    remote = split_remote(fake_hub, tmp_path, parts=3)
    first, second, third = remote.parts
    fake_hub.faults.drop_after, fake_hub.faults.drop_times, fake_hub.faults.drop_only = 1000, 1, second
    with pytest.raises(HearthError, match="run it again to resume"):
        drain(download.download(remote, retries=0))  # part 1 arrived and was verified; part 2 broke off
    assert (
        fake_hub.stats.sent(first) == remote.part_sizes[0]
        and fake_hub.stats.sent(second) < remote.part_sizes[1]
    )
    assert not list(download.model_folder(remote.repo_id).glob("*.gguf"))  # nothing installed...
    assert not [m for m in library.installed() if m.source != "starter"]  # ...nor listed
    ((pending, have),) = download.pending()
    assert pending == remote and have > remote.part_sizes[0]
    _, path = drain(download.download(remote))
    assert fake_hub.stats.sent(first) == remote.part_sizes[0]  # the verified part was not fetched again
    assert sorted(p.name for p in path.parent.glob("*.gguf")) == [first, second, third]
    (model,) = [m for m in library.installed() if m.source != "starter"]
    assert model.status == "ok" and model.path == path
    assert download.pending() == [] and not list(paths.downloads_dir().glob("*.*"))


def test_address_expiring_again_and_again(fake_hub: FakeHub, starter_model: Path) -> None:
    fake_hub.faults.expire_after = 30 * MiB  # a 98 MiB file: the signed address expires 3 times
    seen, path = drain(download.download(starter_remote(), backoff=0.01, retries=2))
    assert path.read_bytes() == starter_model.read_bytes()
    assert sum("asked the Hub again" in p.message for p in seen) == 3
    heads = [q for m, q, _ in fake_hub.stats.requests if m == "HEAD" and "/resolve/" in q]
    assert len(heads) == 4 and len(fake_hub.stats.signed) == 4


def test_expired_address_that_stays_expired_is_a_plain_error(fake_hub: FakeHub) -> None:
    fake_hub.faults.expired = 10
    with pytest.raises(HearthError, match="HTTP 403"):
        drain(download.download(starter_remote(), backoff=0.01))


def test_expired_cdn_address_is_resolved_again(fake_hub: FakeHub, starter_model: Path) -> None:
    fake_hub.faults.expired = 1
    seen, path = drain(download.download(starter_remote(), backoff=0.01))
    assert path.read_bytes() == starter_model.read_bytes()
    heads = [q for m, q, _ in fake_hub.stats.requests if m == "HEAD" and "/resolve/" in q]
    assert len(heads) == 2
    assert any("asked the Hub again" in p.message for p in seen)


def test_unfinished_downloads_are_listed_after_a_restart(fake_hub: FakeHub) -> None:
    fake_hub.faults.drop_after, fake_hub.faults.drop_times = 5 * MiB, 1
    with pytest.raises(HearthError):
        drain(download.download(starter_remote(), retries=0))
    ((remote, have),) = download.pending()
    assert remote == starter_remote() and have == 5 * MiB
    drain(download.download(remote))
    assert download.pending() == []


def test_discarded_and_corrupt_downloads_are_not_pending(fake_hub: FakeHub) -> None:
    fake_hub.faults.drop_after, fake_hub.faults.drop_times = 5 * MiB, 1
    with pytest.raises(HearthError):
        drain(download.download(starter_remote(), retries=0))
    download.discard(starter_remote())
    assert download.pending() == [] and not list(paths.downloads_dir().iterdir())
    fake_hub.faults.corrupt_at = 10
    with pytest.raises(HearthError):
        drain(download.download(starter_remote()))
    assert download.pending() == []


def test_file_kept_in_git_is_checked_by_its_blob_id(fake_hub: FakeHub, tiny_gguf: Path) -> None:
    served = fake_hub.add_file("me/small-GGUF", tiny_gguf.name, tiny_gguf, lfs=False)
    (remote,) = hub.files("me/small-GGUF")
    assert remote.sha256 == f"{hub.GIT_SHA1}{served.git_oid}"
    _, path = drain(download.download(remote))
    assert path.read_bytes() == tiny_gguf.read_bytes()
    fake_hub.faults.corrupt_at = 100
    library.remove(path.name)
    with pytest.raises(HearthError, match="does not match"):
        drain(download.download(remote))


def test_no_checksum_no_install(fake_hub: FakeHub) -> None:
    remote = dataclasses.replace(starter_remote(), sha256="", part_sha256=("",))
    with pytest.raises(HearthError, match="unverified"):
        drain(download.download(remote))
    assert fake_hub.stats.sent(STARTER_FILE) == 0
    assert not paths.downloads_dir().exists() or not list(paths.downloads_dir().iterdir())


def test_a_failing_hub_ranking_leaves_a_download_alone(
    fake_hub: FakeHub, starter_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Models page ranks the Hub's popular repos in the background, also while a download runs.
    An unreachable Hub fails that ranking without huggingface_hub's retry loop; and huggingface_hub
    closing its shared client (what that loop does at every connection error) leaves the download's
    open stream alone (the download once streamed through that client and broke)."""
    from huggingface_hub import close_session

    from app.models import catalog, fit
    from app.models.speed import MachineSpeed

    fake_hub.faults.rate_bps = 32 * MiB
    gen = download.download(starter_remote())
    seen = [next(gen)]
    while seen[-1].state != "downloading" or seen[-1].done_bytes < 4 * MiB:
        seen.append(next(gen))
    with monkeypatch.context() as m:  # the ranking meets a closed port while the stream is open
        m.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
        machine = fit.Machine(16 * 10**9, 16 * 10**9, speed=MachineSpeed(20e9))
        with pytest.raises(HearthError, match="cannot be reached"):
            catalog.hub_picks(4096, machine)
    close_session()
    more, path = drain(gen)
    assert "retrying" not in [p.state for p in seen + more]
    assert path.read_bytes() == starter_model.read_bytes()
    assert fake_hub.stats.sent(STARTER_FILE) == starter_model.stat().st_size
