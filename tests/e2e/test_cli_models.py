"""``python main.py models ...`` as a user runs it: a subprocess, real HTTP to the loopback Hub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import settings
from tests.support import gguf_write
from tests.support.hub import FakeHub

ROOT = Path(__file__).resolve().parents[2]
REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct-Q4_1.gguf"


@pytest.fixture
def hub(starter_model: Path, tmp_path: Path) -> Iterator[FakeHub]:
    with FakeHub() as fake:
        fake.add_file(REPO, FILE, starter_model)
        small = gguf_write.tiny_llama(tmp_path / "src" / "SmolLM2-135M-Instruct-Q2_K.gguf", n_layers=30)
        fake.add_file(REPO, "SmolLM2-135M-Instruct-Q2_K.gguf", small)
        yield fake


def hearth(*args: str, hub_url: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, HF_ENDPOINT=hub_url or "http://127.0.0.1:9", **env)
    return subprocess.run(
        [sys.executable, "main.py", "models", *args], cwd=ROOT, env=full_env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def ok_json(proc: subprocess.CompletedProcess[str]) -> object:
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_search_files_download_list_remove(hub: FakeHub, starter_model: Path) -> None:
    found = ok_json(hearth("search", "smollm2", "--json", hub_url=hub.url))
    assert [r["repo"] for r in found] == [REPO]  # type: ignore[union-attr,index]

    files = ok_json(hearth("files", REPO, "--ctx", "2048", "--json", hub_url=hub.url))
    assert isinstance(files, dict)
    by_name = {f["file"]: f for f in files["files"]}
    assert all(f["predicted_tokens_per_s"] > 0 for f in files["files"])
    assert by_name[FILE]["size"] == starter_model.stat().st_size
    assert by_name[FILE]["best"]  # Q4_1 beats Q2_K when both fit
    assert files["header_bytes_read"] < 5 * 2**20

    proc = hearth("download", REPO, FILE, "--json", hub_url=hub.url)
    installed = Path(ok_json(proc)["path"])  # type: ignore[index]
    assert installed.read_bytes() == starter_model.read_bytes()

    listed = [m for m in ok_json(hearth("list", "--json", hub_url=hub.url)) if m["source"] != "starter"]  # type: ignore[attr-defined]
    assert [m["name"] for m in listed] == [FILE]
    assert listed[0]["fit"]["fits"]

    ok_json(hearth("remove", FILE, "--json"))
    assert not installed.exists()


def test_download_resumes_when_run_again(hub: FakeHub, starter_model: Path) -> None:
    hub.faults.drop_after = 30 * 2**20
    hub.faults.drop_times = 100
    settings.save(settings.Settings(models=settings.ModelSettings(download_retries=0)))
    first = hearth("download", REPO, FILE, hub_url=hub.url)
    assert first.returncode == 2
    assert first.stderr.startswith("hearth: ") and first.stderr.count("\n") == 1
    listed = hearth("list", hub_url=hub.url)
    assert f"unfinished: {REPO} {FILE} (31 of 98 MB" in listed.stdout
    hub.faults.drop_times = 0
    sent_before = hub.stats.sent(FILE)
    second = hearth("download", REPO, FILE, hub_url=hub.url)
    assert second.returncode == 0, second.stderr
    assert hub.stats.sent(FILE) - sent_before <= starter_model.stat().st_size - 30 * 2**20 + 2**20


def test_fit_local_and_remote(hub: FakeHub, starter_model: Path) -> None:
    local = ok_json(hearth("fit", str(starter_model), "--ctx", "4096", "--json"))
    assert isinstance(local, dict)
    assert local["kv_cache_bytes"] == 90 * 2**20
    for key in ("weights_bytes", "ram_bytes", "vram_bytes", "gpu_layers", "verdict", "bytes_read"):
        assert key in local
    remote = ok_json(hearth("fit", REPO, FILE, "--ctx", "4096", "--json", hub_url=hub.url))
    assert isinstance(remote, dict)
    assert remote["weights_bytes"] == local["weights_bytes"]
    assert remote["bytes_read"] < 5 * 2**20


def test_recommend_and_import(tmp_path: Path) -> None:
    rec = ok_json(hearth("recommend", "--ram", "8", "--json"))  # no Hub answers at HF_ENDPOINT
    assert isinstance(rec, dict)
    assert rec["models"] and all(m["fit"]["ram_bytes"] < 8e9 for m in rec["models"])
    assert all(m["predicted_tokens_per_s"] > 0 and m["source"] == "curated" for m in rec["models"])
    assert "Hub not included" in rec["hub_note"]
    tiny = gguf_write.tiny_llama(tmp_path / "mine-Q4_0.gguf")
    ok_json(hearth("import", str(tiny), "--in-place", "--json"))
    listed = ok_json(hearth("list", "--json"))
    assert [m["path"] for m in listed if m["source"] != "starter"] == [str(tiny)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "args",
    [
        ("fit", "/nonexistent.gguf"),
        ("remove", "nothing.gguf"),
        ("files", "nobody/nothing"),
        ("import", "/etc/hostname"),
    ],
)
def test_errors_are_one_plain_line(hub: FakeHub, args: tuple[str, ...]) -> None:
    proc = hearth(*args, hub_url=hub.url)
    assert proc.returncode == 2
    assert proc.stderr.startswith("hearth: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_download_draws_a_progress_bar_on_a_terminal(hub: FakeHub) -> None:
    import pty

    hub.faults.rate_bps = 200 * 2**20
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "main.py", "models", "download", REPO, FILE],
            cwd=ROOT,
            env=dict(os.environ, HF_ENDPOINT=hub.url),
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
        )
        os.close(follower)
        follower = -1
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    assert b"[#" in drawn and b"100%" in drawn and b"MB" in drawn
    assert proc.stdout.startswith("Installed ")


def test_fit_and_recommend_carry_predicted_speed(hub: FakeHub, starter_model: Path) -> None:
    local = ok_json(hearth("fit", str(starter_model), "--ctx", "2048", "--json"))
    remote = ok_json(hearth("fit", REPO, FILE, "--ctx", "2048", "--json", hub_url=hub.url))
    assert isinstance(local, dict) and isinstance(remote, dict)
    assert local["predicted_tokens_per_s"] > local["predicted_tokens_per_s_full"] > 0
    assert remote["predicted_tokens_per_s"] == local["predicted_tokens_per_s"]  # same header, same machine
    rec = ok_json(hearth("recommend", "--ctx", "2048", "--json", hub_url=hub.url))
    assert isinstance(rec, dict) and rec["hub_note"] == ""
    hub_rows = [m for m in rec["models"] if m["source"] == "hub"]
    assert [m["repo"] for m in hub_rows] == [REPO] and not hub_rows[0]["approximate"]
    assert hub_rows[0]["predicted_tokens_per_s"] > 0
    listed = ok_json(hearth("list", "--json"))
    assert all(m["predicted_tokens_per_s"] > 0 for m in listed)  # type: ignore[attr-defined]


def test_damaged_library_list_is_one_line_on_stderr_and_logged(hearth_home: Path) -> None:
    from app import paths

    (paths.models_dir() / "library.json").write_text("{oops")
    first = hearth("list", "--json")
    assert first.returncode == 0, first.stderr
    (line,) = first.stderr.splitlines()
    assert line.startswith("hearth: The model library list (library.json) could not be read")
    assert "library.json.bad-" in line
    again = hearth("list", "--json")
    assert again.returncode == 0 and again.stderr == ""  # told once: the damaged file is kept aside
    log = (paths.logs_dir() / "hearth.log").read_text()
    assert "WARNING cli[" in log and "library.json.bad-" in log
