"""The Models page against the loopback Hub: item models, search, fit badges, downloads, library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app import paths
from tests.support import gguf_write
from tests.support.hub import FakeHub
from ui import jobs
from ui.models_models import DownloadRow
from ui.models_page import ModelsPage

REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct-Q4_1.gguf"
WAIT = 30_000


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, starter_model: Path, tmp_path: Path) -> Iterator[FakeHub]:
    with FakeHub() as fake:
        fake.add_file(REPO, FILE, starter_model)
        q2 = gguf_write.tiny_llama(tmp_path / "src" / "SmolLM2-135M-Instruct-Q2_K.gguf", n_layers=30)
        fake.add_file(REPO, q2.name, q2)
        gated = gguf_write.tiny_llama(tmp_path / "g.gguf")
        fake.add_file("someone/gated-GGUF", "g-Q4_0.gguf", gated, gated=True)
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        yield fake


@pytest.fixture
def page(qtbot: QtBot) -> Iterator[ModelsPage]:
    p = ModelsPage()
    qtbot.addWidget(p)
    p.show()  # fills the lists (the starter model is always installed)
    qtbot.waitUntil(lambda: p.recommended.rowCount() > 0 and p.installed.rowCount() > 0, timeout=WAIT)
    yield p
    p.shutdown()
    jobs.wait(WAIT)


def finish(qtbot: QtBot, job: jobs.Job | None) -> None:
    assert job is not None
    qtbot.waitUntil(lambda: job.done, timeout=WAIT)


def sources(page: ModelsPage) -> list[str]:
    return [r.model.source for r in page.installed.rows]


def wait_state(qtbot: QtBot, page: ModelsPage, row: DownloadRow, state: str) -> None:
    qtbot.waitUntil(lambda: row.state == state, timeout=WAIT)


def test_recommended_and_models_are_valid(page: ModelsPage, qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    assert page.recommended.rowCount() > 0
    assert page.hub_job is None  # the Hub is asked only when the user says so
    job = page.rank_hub()
    qtbot.waitUntil(lambda: job.done, timeout=WAIT)
    assert page.hub_note.text().startswith("Curated models only")  # no Hub answers at HF_ENDPOINT
    speed = page.recommended.headers.index("Speed")
    first = page.recommended.index(0, speed).data()
    assert first.startswith("≈") and first.endswith("tok/s")  # approximate until the header is read
    assert {page.recommended.index(r, page.recommended.headers.index("Source")).data()
            for r in range(page.recommended.rowCount())} == {"curated"}  # fmt: skip
    installed_speed = page.installed.index(0, page.installed.headers.index("Speed")).data()
    assert installed_speed.endswith("tok/s")
    assert "demo" in page.installed.index(0, page.installed.headers.index("Source")).data()
    assert "GB of RAM" in page.ram_label.text()
    assert page.tabs.currentIndex() == 0 and page.tabs.tabText(0).startswith("Recommended for your ")
    qtmodeltester.check(page.recommended)
    qtmodeltester.check(page.installed)


def test_search_files_download_load(
    page: ModelsPage, hub: FakeHub, qtbot: QtBot, qtmodeltester: ModelTester, starter_model: Path
) -> None:
    finish(qtbot, page.search("smollm2"))
    assert [r.repo_id for r in page.results.rows] == [REPO]
    qtmodeltester.check(page.results)

    page.results_view.selectRow(0)  # shows that repo's files
    qtbot.waitUntil(lambda: page.files.rowCount() == 2, timeout=WAIT)
    qtmodeltester.check(page.files)
    best = [p for p in page.files.rows if p.best]
    assert [p.remote.filename for p in best] == [FILE]
    assert "★ best" in page.files.index(page.files.rows.index(best[0]), 4).data()
    assert page.files.index(0, page.files.headers.index("Speed")).data().endswith("tok/s")

    page.files_view.selectRow(page.files.rows.index(best[0]))
    page.download_selected_file()
    row = page.downloads.rows[0]
    qtmodeltester.check(page.downloads)
    wait_state(qtbot, page, row, "done")
    assert Path(row.path).read_bytes() == starter_model.read_bytes()
    qtbot.waitUntil(lambda: sources(page) == ["starter", f"hf://{REPO}/{FILE}"], timeout=WAIT)
    qtmodeltester.check(page.installed)

    page.installed_view.selectRow(1)
    with qtbot.waitSignal(page.load_requested, timeout=WAIT) as sig:
        page.load_selected()
    assert sig.args == [row.path]


def start_slow_download(page: ModelsPage, hub: FakeHub, qtbot: QtBot, rate_bps: int) -> tuple[Any, Any]:
    """(remote file, download row) of the starter model, once its first MiB has arrived."""
    from app.models import hub as hubmod

    (remote,) = [r for r in hubmod.files(REPO) if r.filename == FILE]
    hub.faults.rate_bps = rate_bps
    row = page.download(remote)
    qtbot.waitUntil(lambda: row.progress is not None and row.progress.done_bytes > 2**20, timeout=WAIT)
    return remote, row


def test_pause_resume_and_cancel(page: ModelsPage, hub: FakeHub, qtbot: QtBot, starter_model: Path) -> None:
    remote, row = start_slow_download(page, hub, qtbot, 30 * 2**20)
    page.pause(row)
    wait_state(qtbot, page, row, "paused")
    (part,) = paths.downloads_dir().glob("*.part")
    assert part.stat().st_size > 2**20
    hub.faults.rate_bps = None
    page.resume(row)
    wait_state(qtbot, page, row, "done")
    assert Path(row.path).read_bytes() == starter_model.read_bytes()

    again = page.download(remote)  # a finished row is not reused; the file is already installed
    assert again is not row
    wait_state(qtbot, page, again, "done")
    assert hub.stats.sent(FILE) < 2 * starter_model.stat().st_size


def test_cancel_discards_partial_file(page: ModelsPage, hub: FakeHub, qtbot: QtBot) -> None:
    _, row = start_slow_download(page, hub, qtbot, 20 * 2**20)
    page.cancel(row)
    wait_state(qtbot, page, row, "cancelled")
    qtbot.waitUntil(lambda: not list(paths.downloads_dir().glob("*.part")), timeout=WAIT)


def test_gated_download_error_reaches_the_user(
    page: ModelsPage, hub: FakeHub, qtbot: QtBot, errors: list[str]
) -> None:
    from app.models import hub as hubmod

    (remote,) = hubmod.files("someone/gated-GGUF")
    row = page.download(remote)
    wait_state(qtbot, page, row, "failed")
    assert errors and "gated" in errors[-1]
    assert "gated" in page.downloads.index(0, 4).data()


def test_import_delete_and_open_folder(page: ModelsPage, qtbot: QtBot, tmp_path: Path) -> None:
    tiny = gguf_write.tiny_llama(tmp_path / "mine-Q4_0.gguf")
    page.import_path(tiny, copy=True)
    qtbot.waitUntil(
        lambda: [r.model.name for r in page.installed.rows][1:] == ["mine-Q4_0.gguf"], timeout=WAIT
    )
    opened = []
    page.open_url = opened.append
    page.open_folder()
    assert opened[0].toLocalFile() == str(paths.models_dir())

    page.installed_view.selectRow(1)
    page.confirm = lambda text: False
    assert page.delete_selected() is None
    assert len(page.installed.rows) == 2
    page.confirm = lambda text: True
    finish(qtbot, page.delete_selected())
    qtbot.waitUntil(lambda: sources(page) == ["starter"], timeout=WAIT)
    assert tiny.exists()


def test_unfinished_download_from_last_run_resumes(hub: FakeHub, qtbot: QtBot, starter_model: Path) -> None:
    from app.errors import HearthError
    from app.models import download
    from app.models import hub as hubmod

    (remote,) = [r for r in hubmod.files(REPO) if r.filename == FILE]
    hub.faults.drop_after, hub.faults.drop_times = 8 * 2**20, 1
    with pytest.raises(HearthError):
        for _ in download.download(remote, retries=0):
            pass
    p = ModelsPage()
    qtbot.addWidget(p)
    assert p.downloads.rows == []  # nothing is read before the page is first shown
    p.show()
    try:
        qtbot.waitUntil(lambda: len(p.downloads.rows) == 1, timeout=WAIT)
        (row,) = p.downloads.rows
        assert row.state == "paused" and row.progress is not None and row.progress.done_bytes == 8 * 2**20
        p.resume(row)
        wait_state(qtbot, p, row, "done")
        assert Path(row.path).read_bytes() == starter_model.read_bytes()
    finally:
        p.shutdown()
        jobs.wait(WAIT)


def test_hub_popular_repos_are_ranked_in(hub: FakeHub, qtbot: QtBot) -> None:
    p = ModelsPage()
    qtbot.addWidget(p)
    p.show()
    job = p.rank_hub()
    qtbot.waitUntil(lambda: job.done, timeout=WAIT)
    assert p.hub_note.text().startswith("Including")
    rows = {r.entry.repo: r for r in p.recommended.rows}
    assert REPO in rows and rows[REPO].entry.source == "hub" and "someone/gated-GGUF" not in rows
    i = p.recommended.rows.index(rows[REPO])
    assert p.recommended.index(i, p.recommended.headers.index("Source")).data() == "Hub: most downloaded"
    assert p.recommended.index(i, p.recommended.headers.index("Speed")).data().startswith("~")
    p.shutdown()
    jobs.wait(WAIT)
