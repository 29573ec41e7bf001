"""``main.py ask`` / ``--version`` / errors, as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hearth(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=input,
        timeout=300,
    )


def test_version_and_help() -> None:
    out = hearth("--version")
    assert out.returncode == 0 and out.stdout.startswith("Hearth ")
    for cmd in ("chat", "ask", "models", "bench"):
        assert hearth(cmd, "--help").returncode == 0


def test_ask_json() -> None:
    out = hearth(
        "ask", "What is 2 + 2?", "--json", "--max-tokens", "12", "--temperature", "0", "--ctx", "1024"
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answer"].strip()
    assert data["model"].startswith("SmolLM2")
    assert data["ttft_ms"] > 0 and data["tokens_per_s"] > 0


def test_ask_plain_streams_answer() -> None:
    out = hearth("ask", "Say hello.", "--max-tokens", "8", "--temperature", "0", "--ctx", "512")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


def test_chat_interactive() -> None:
    out = hearth("chat", "--max-tokens", "8", "--ctx", "512", "--temperature", "0", input="Hi!\n\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith(">")
    assert "tok/s" in out.stderr


def test_errors_are_one_plain_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"garbage")
    for model in (str(tmp_path / "missing.gguf"), str(bad)):
        out = hearth("ask", "hi", "--model", model)
        assert out.returncode == 2
        assert out.stderr.count("\n") == 1 and out.stderr.startswith("hearth: ")
        assert "Traceback" not in out.stderr


def test_ask_library_cites_file_and_page(tmp_path: Path, hearth_home: Path) -> None:
    from tests.support.pdfs import FACTS, fact_pdf

    pdf = fact_pdf(tmp_path / "keeper.pdf", pages=6)
    added = hearth("docs", "add", str(pdf), "--library", "notes", "--json")
    assert added.returncode == 0, added.stderr
    fact = FACTS[0]
    out = hearth(
        "ask", fact.question, "--library", "notes", "--json", "--max-tokens", "24", "--temperature", "0"
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answer"].strip()
    pages = [s["page"] for s in data["sources"] if s["file"] == "keeper.pdf"]
    assert fact.page in pages


def _ctrl_c_as_in_a_terminal() -> None:
    """The child gets SIGINT as a shell's foreground job does: not ignored, not blocked (an ignored or
    blocked SIGINT in the test process is inherited across exec; Python then never raises
    KeyboardInterrupt)."""
    import signal

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_while_the_prompt_is_read_exits_130(synthetic_small: Path) -> None:
    """Ctrl+C in the middle of reading a long prompt: the reply stops at once, the process exits 130
    with one plain line (no traceback)."""
    import signal
    import time

    question = "Summarise the harbour master's log. " * 300  # ~2,700 tokens
    # 1,300 tokens to write: still busy when Ctrl+C comes, even on a loaded machine
    flags = ["--model", str(synthetic_small), "--ctx", "4096", "--max-tokens", "1300"]
    with subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "ask", question, *flags],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    ) as proc:
        assert proc.stderr is not None
        seen = []
        for line in proc.stderr:  # not a terminal: one progress line per slice read
            seen.append(line)
            if line.startswith("Reading prompt") and not line.startswith("Reading prompt 0 "):
                break
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        waited = time.monotonic() - t0
    assert proc.returncode == 130, "".join(seen) + err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("Reading prompt")]
    assert lines == ["hearth: interrupted"], err
    assert waited < 20  # generous: the bound that matters (1 s) is measured by `bench chat`
