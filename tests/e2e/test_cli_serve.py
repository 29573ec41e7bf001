"""``main.py serve`` as a real subprocess: the official openai client talks to it, Ctrl+C ends it,
and another interface without an API key is refused in one plain line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import openai

from tests.support.openai_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_serve_answers_the_openai_client_and_stops_on_ctrl_c() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "serve", "--port", str(port), "--ctx", "1024"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        while line and "Serving" not in line:
            line = proc.stderr.readline()
        assert f"at http://127.0.0.1:{port}/v1" in line, line
        with openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="none", max_retries=0) as client:
            ids = [m.id for m in client.models.list().data]
            done = client.chat.completions.create(
                model="hearth", messages=[{"role": "user", "content": "Say hi."}], max_tokens=8, temperature=0
            )
        assert any(i.startswith("SmolLM2") for i in ids)
        assert done.choices[0].message.content and done.usage is not None
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def test_other_interfaces_need_an_api_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "HEARTH_API_KEY"}
    args = [sys.executable, str(ROOT / "main.py"), "serve", "--host", "0.0.0.0", "--port", str(free_port())]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("hearth: Serving on 0.0.0.0 (not this computer only) needs an API key")
    assert out.stderr.count("\n") == 1
