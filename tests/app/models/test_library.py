"""The local library: downloads, imports (copy or in place), the HF cache, removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import paths
from app.cancel import Cancelled, CancelToken
from app.errors import HearthError
from app.models import fit, gguf, hub, library
from tests.app.models.conftest import STARTER_FILE, STARTER_REPO
from tests.support import gguf_write
from tests.support.hub import FakeHub


def mine() -> list[library.Installed]:
    """Installed models other than the bundled starter (always listed)."""
    return [m for m in library.installed() if m.source != "starter"]


def run_import(source: Path, copy: bool = True) -> Path:
    gen = library.import_file(source, copy=copy)
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return Path(stop.value)


def test_import_copy_and_remove(tiny_gguf: Path) -> None:
    path = run_import(tiny_gguf)
    assert path.parent.parent == paths.models_dir() and path.read_bytes() == tiny_gguf.read_bytes()
    (model,) = mine()
    assert (model.name, model.source, model.quant, model.in_place) == (
        tiny_gguf.name,
        "import",
        "Q4_0",
        False,
    )
    assert model.info is not None and model.info.n_layers == 2
    report = model.fit(2048)
    assert report is not None and report.fits
    with pytest.raises(HearthError, match="already in the library"):
        run_import(tiny_gguf)
    library.remove(model.name)
    assert not path.exists() and mine() == []
    assert tiny_gguf.exists()


def test_import_in_place_is_only_forgotten(tiny_gguf: Path) -> None:
    path = run_import(tiny_gguf, copy=False)
    assert path == tiny_gguf.resolve()
    (model,) = mine()
    assert model.in_place
    library.remove(str(path))
    assert tiny_gguf.exists() and mine() == []


def test_import_rejects_non_gguf(tmp_path: Path) -> None:
    junk = tmp_path / "notes.gguf"
    junk.write_text("hello")
    with pytest.raises(HearthError, match="magic"):
        run_import(junk)
    with pytest.raises(HearthError, match="No such file"):
        run_import(tmp_path / "absent.gguf")


def test_import_can_be_cancelled(tiny_gguf: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        list(library.import_file(tiny_gguf, cancel=token))
    assert not list((paths.models_dir() / "imported").iterdir())


def test_unreadable_model_is_listed_with_its_error(tmp_path: Path) -> None:
    broken = paths.models_dir() / "broken.gguf"
    broken.write_bytes(b"GGUF\x03\x00\x00\x00")
    (model,) = mine()
    assert model.info is None and "truncated" in model.error
    assert model.fit(2048) is None


def test_finds_models_in_the_hf_cache(fake_hub: FakeHub, tmp_path: Path) -> None:
    from huggingface_hub import hf_hub_download

    cache = Path(str(tmp_path / "hf-home")) / "hub"
    got = hf_hub_download(STARTER_REPO, STARTER_FILE, cache_dir=cache, endpoint=hub.endpoint())
    found = library.hf_cache_models()
    assert [p.name for p in found] == [STARTER_FILE]
    assert Path(got).resolve() == found[0].resolve() or Path(got) == found[0]
    (model,) = mine()
    assert model.source == "hf-cache" and model.info is not None
    with pytest.raises(HearthError, match="Hugging Face cache"):
        library.remove(model.name)


def test_split_parts_listed_once_and_removed_together(tmp_path: Path) -> None:
    folder = paths.models_dir() / "me__split"
    for i in (1, 2):
        gguf_write.tiny_llama(folder / f"m-0000{i}-of-00002.gguf", extra={"split.count": 2})
    (model,) = mine()
    assert model.name == "m-00001-of-00002.gguf"
    report = model.fit(512)  # the list shows the memory of the whole model, like the load check
    assert report is not None and report.weights_bytes == fit.plan_file(model.path, 512).weights_bytes
    assert report.weights_bytes == 2 * gguf.read_file(model.path).weights_bytes
    library.remove(model.name)
    assert not list(folder.iterdir())


def test_find_unknown() -> None:
    with pytest.raises(HearthError, match="No installed model"):
        library.find("nope.gguf")


def test_starter_is_listed_and_kept(starter_model: Path) -> None:
    (starter,) = [m for m in library.installed() if m.source == "starter"]
    assert starter.path == starter_model and starter.info is not None
    with pytest.raises(HearthError, match="ships with Hearth"):
        library.remove(starter.name)


def test_damaged_list_is_kept_and_the_library_rebuilt_from_disk(
    fake_hub: FakeHub, tiny_gguf: Path, notices: list[str]
) -> None:
    from app.models import download

    (remote,) = hub.files(STARTER_REPO)
    for _ in download.download(remote):
        pass
    run_import(tiny_gguf)
    manifest = paths.models_dir() / library.MANIFEST
    manifest.write_text('{"truncated": ')
    models = {m.name: m for m in mine()}
    assert models[STARTER_FILE].source == f"hf://{STARTER_REPO}/{STARTER_FILE}"  # from its checksum file
    assert models[tiny_gguf.name].source == "import"  # a copy in the library folder is still found
    (bad,) = paths.models_dir().glob("library.json.bad-*")
    assert bad.read_text() == '{"truncated": ' and len(notices) == 1 and "library.json" in notices[0]
    sent = fake_hub.stats.sent(STARTER_FILE)
    for _ in download.download(remote):  # still trusted: nothing is fetched again
        pass
    assert fake_hub.stats.sent(STARTER_FILE) == sent
    assert len(notices) == 1


def test_a_changed_file_loses_its_checksum(fake_hub: FakeHub) -> None:
    from app.models import download

    (remote,) = hub.files(STARTER_REPO)
    for _ in download.download(remote):
        pass
    path = download.model_folder(STARTER_REPO) / STARTER_FILE
    assert library.verified(path) == {
        "sha256": remote.sha256,
        "source": f"hf://{STARTER_REPO}/{STARTER_FILE}",
    }
    with path.open("r+b") as fh:
        fh.seek(1000)
        fh.write(b"x")
    assert library.verified(path) is None


RECORDER = r"""
import sys, time
from pathlib import Path
from app.models import library
name, go = sys.argv[1], Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
for i in range(50):
    library.record(Path(f"/models/{name}{i}.gguf"), "import", in_place=True)
"""


def test_two_processes_recording_models_lose_nothing(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from app import atomic

    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[3]))
    procs = [
        subprocess.Popen([sys.executable, "-c", RECORDER, name, str(go)], env=env) for name in ("gui", "cli")
    ]
    atomic.write_text(go, "")  # both write at once, like the GUI and a `hearth models` command
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert len(library.manifest()) == 100


def test_incomplete_split_model_is_listed_as_such_and_refused_at_load(tmp_path: Path) -> None:
    from app.chat.engine import LocalEngine
    from app.settings import LoadParams

    folder = paths.models_dir() / "me__split"
    for i in (1, 3):
        gguf_write.tiny_llama(folder / f"m-0000{i}-of-00003.gguf", extra={"split.count": 3})
    (model,) = mine()
    assert (
        model.status == "incomplete" and "1 of its 3 parts are missing (m-00002-of-00003.gguf)" in model.error
    )
    assert model.fit(512) is None
    with pytest.raises(HearthError, match="cannot be loaded: it is incomplete"):
        LocalEngine().load(model.path, LoadParams())
    with pytest.raises(HearthError, match="part 3 of a split model: load its first part, m-00001-of-00003"):
        LocalEngine().load(folder / "m-00003-of-00003.gguf", LoadParams())
