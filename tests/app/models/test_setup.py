"""Settings → Models reach the Hub: the download folder, the proxy and the keyring-held token."""

from __future__ import annotations

import json
from pathlib import Path

from app import paths, settings
from app.models import download, hub, setup
from app.models.download import Progress
from tests.app.models.conftest import GATED_REPO
from tests.support import keyring_file
from tests.support.fault_proxy import FaultProxy
from tests.support.hub import FakeHub


def drain(gen: object) -> Path:
    while True:
        try:
            item = next(gen)  # type: ignore[call-overload]
            assert isinstance(item, Progress)
        except StopIteration as stop:
            return Path(stop.value)


def test_a_gated_download_goes_through_the_proxy_with_the_saved_token_into_the_chosen_folder(
    fake_hub: FakeHub, tmp_path: Path
) -> None:
    folder = tmp_path / "my models"
    setup.save_token(fake_hub.token)
    assert fake_hub.token in keyring_file.store().read_text()  # the keyring, not settings.json
    with FaultProxy() as proxy:
        setup.apply(settings.ModelSettings(models_dir=str(folder), proxy=proxy.url))
        (remote,) = hub.files(GATED_REPO)
        path = drain(download.download(remote))
    assert path.is_file() and folder in path.parents and paths.models_dir() == folder
    assert not list(paths.downloads_dir().glob("*.part"))  # staged beside the folder, then moved in
    through = [target for _, target in proxy.seen.requests]
    assert any("/api/models/" in t for t in through)  # the listing
    assert any("/resolve/" in t for t in through)  # the file's metadata
    assert any("/cdn/" in t for t in through)  # the bytes
    assert ("hub", f"Bearer {fake_hub.token}") in fake_hub.stats.authorization
    saved = settings.Settings()
    settings.save(saved)
    assert fake_hub.token not in json.dumps(json.loads(paths.settings_file().read_text()))


def test_forgetting_the_token_and_the_proxy(fake_hub: FakeHub) -> None:
    setup.save_token("hf_old")
    setup.save_token("")
    assert hub.token() is None
    with FaultProxy() as proxy:
        setup.apply(settings.ModelSettings(proxy=proxy.url))
        setup.apply(settings.ModelSettings())  # no proxy again: requests go straight to the Hub
        hub.files(GATED_REPO)
    assert proxy.seen.requests == []
    assert paths.models_dir() == paths.home() / "models"
