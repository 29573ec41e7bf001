"""Shared fixtures: every test gets its own HEARTH_HOME and keyring, telemetry off, no proxy, nothing
reaches the internet.

The network guard (tests/support/netguard.py) refuses any connection or name lookup outside
loopback, in this process and in every Python subprocess a test starts, and fails that test.

A test still running after ``HANG_S`` ends the run with every thread's stack on the terminal
(faulthandler's own timer thread, which needs no GIL): pytest-timeout's signal cannot interrupt a
test stuck in C code, and a hung suite would otherwise wait for CI's limit and print nothing.
"""

from __future__ import annotations

import faulthandler
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import datafile, paths
from app.models import bundled, hub
from tests.support import keyring_file, netguard
from tests.support.openai_server import Running, llama_cpp_server

GUARD_SITE = Path(__file__).parent / "support" / "netguard_site"
netguard.install()
os.environ["LANGUAGE"] = "en"  # Qt's system language (ui.i18n): tests read English on any desktop
HANG_S = 420  # pytest-timeout's limit is 300 s
_terminal_fd = -1  # the terminal's stderr, duplicated before any test's output is captured


def pytest_configure(config: pytest.Config) -> None:
    global _terminal_fd
    _terminal_fd = os.dup(2)  # output capture is suspended while plugins are configured


@pytest.fixture(autouse=True)
def hang_watchdog() -> Iterator[None]:
    faulthandler.dump_traceback_later(HANG_S, exit=True, file=_terminal_fd)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def network_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    log = tmp_path / "network-guard.log"
    monkeypatch.setenv(netguard.LOG_ENV, str(log))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(GUARD_SITE), os.environ.get("PYTHONPATH")]))
    )
    yield
    if log.exists():
        pytest.fail("the test reached outside loopback:\n" + log.read_text(), pytrace=False)


@pytest.fixture(scope="session")
def bandwidth_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """This machine's memory bandwidth cache file, measured once per session (the app measures it once
    per machine; every test home starts with it, as a home after the first run does)."""
    from app import hardware

    home = tmp_path_factory.mktemp("bandwidth-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HEARTH_HOME", str(home))
        hardware.memory_bandwidth()
        return (home / "cache" / hardware.BANDWIDTH_FILE).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def hearth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bandwidth_file: str) -> Iterator[Path]:
    """Redirect every file the app writes to a fresh tmp dir."""
    from app import hardware

    home = tmp_path / "hearth-home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / hardware.BANDWIDTH_FILE).write_text(bandwidth_file, encoding="utf-8")
    monkeypatch.setenv("HEARTH_HOME", str(home))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", keyring_file.BACKEND)  # never the developer's keyring
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):  # loopback servers, directly
        monkeypatch.delenv(proxy, raising=False)
        monkeypatch.delenv(proxy.lower(), raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # no Hub unless a test starts the loopback one
    monkeypatch.setattr(paths, "_models_dir", None)  # a download folder a test set (Settings → Models)
    yield home
    if hub.proxy():  # a proxy a test set: huggingface_hub's shared client is made again without it
        hub.set_proxy("")


@pytest.fixture(scope="session")
def starter_model() -> Path:
    """The bundled SmolLM2-135M GGUF (real llama.cpp inference in tests)."""
    return bundled.starter_model_path()


@pytest.fixture(autouse=True)
def notices() -> Iterator[list[str]]:
    """What the app tells the user about damaged data files during the test (shown once each)."""
    seen: list[str] = []
    datafile.set_reporter(seen.append)
    yield seen
    datafile.set_reporter(None)


@pytest.fixture(scope="session")
def llama_server(starter_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """llama-cpp-python's own OpenAI-compatible server on the starter model, on 127.0.0.1."""
    with llama_cpp_server(starter_model, tmp_path_factory.mktemp("llama-server")) as running:
        yield running


@pytest.fixture(scope="session")
def synthetic_small() -> Path:
    """A synthetic llama GGUF (4 × 1024, random weights, the starter's tokenizer), ~70 MB at Q4_K_M:
    slow enough at reading prompts for Stop and progress to be observable. Built once, cached."""
    from tests.support import synthetic_model

    return synthetic_model.build("small")
