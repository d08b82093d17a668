"""Shared fixtures. `pytest --update-golden` rewrites the golden files on purpose; without it
a difference is a failure, field by field."""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "seeds"
EVAL_DIR = ROOT.parent / "shared" / "eval"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/fixtures/golden/*.json from the current output (review the diff!)",
    )

    parser.addoption(
        "--raise-gate",
        action="store_true",
        help="raise tests/eval_baseline.json to the current dev figures (never lowers one)",
    )


@pytest.fixture
def raise_gate(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--raise-gate"))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


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


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """`segmenter serve` (real gunicorn, 2 workers) on a free loopback port."""
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
