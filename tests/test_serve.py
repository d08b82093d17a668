"""The real thing: `segmenter serve` (gunicorn with the packaged config) on a free loopback
port, the seeds posted to it, then a clean shutdown. Bounded in time and request count."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SEEDS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(url: str, data: bytes | None = None, ctype: str = "text/plain") -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    env = dict(os.environ, SEGMENTER_LOG_LEVEL="warning")
    cmd = [sys.executable, "-m", "segmenter.cli", "serve", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if get(base + "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"gunicorn did not become ready: {err[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_through_gunicorn(server: str, seed: Path) -> None:
    status, body = get(server + "/segment", seed.read_bytes())
    assert status == 200
    result = json.loads(body)
    golden = json.loads(
        (seed.parent.parent / "tests/fixtures/golden" / (seed.stem + ".json")).read_text()
    )
    assert result == golden


def test_gunicorn_answers_problems_and_metrics(server: str) -> None:
    status, body = get(server + "/segment", b"x", ctype="application/xml")
    assert status == 415 and json.loads(body)["status"] == 415
    status, body = get(server + "/metrics")
    assert status == 200 and b"segmenter_requests_total" in body
