"""A real `segmenter serve` (granian) on a free loopback port, for the tests and the load
script: started, waited for until /readyz answers, and always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LocalServer:
    base: str  # http://127.0.0.1:PORT
    pid: int  # the server's main process; its children are the workers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


@contextmanager
def serving(
    cmd: list[str], base: str, env: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `cmd` (a server of the app listening at `base`), yield it once /readyz answers,
    stop it with SIGTERM (then KILL)."""
    environment = dict(os.environ, SEGMENTER_LOG_LEVEL="warning", **(env or {}))
    proc = subprocess.Popen(cmd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not _ready(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr and proc.poll() is not None else ""
                raise RuntimeError(f"the service did not become ready: {err[-2000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@contextmanager
def running(
    workers: int = 2, env: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[LocalServer]:
    """`segmenter serve` on a free 127.0.0.1 port, once ready; stopped with SIGTERM."""
    port = free_port()
    cmd = [sys.executable, "-m", "segmenter.cli", "serve", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with serving(cmd, base, env, timeout) as proc:
        yield LocalServer(base, proc.pid)
