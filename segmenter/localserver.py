"""A real `segmenter serve` (granian) on a free loopback port, for the tests and the load
script: started, waited for until /readyz answers, and always stopped."""

from __future__ import annotations

import contextlib
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
from pathlib import Path


@dataclass(frozen=True, slots=True)
class LocalServer:
    base: str  # http://127.0.0.1:PORT
    pid: int  # the server's main process; its children are the workers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux: /proc), as far as they can still be seen."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _identity(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None


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
        workers = {pid: _identity(pid) for pid in _children(proc.pid)}
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        # A worker respawned a moment before the SIGTERM, still loading the app, was once
        # seen to outlive its server (granian 2.8.9), listening on the port: stop it too,
        # if it is still that process (orphaned, same command line), not a reused pid.
        for pid, identity in workers.items():
            if identity is not None and _identity(pid) == identity and _parent(pid) == 1:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


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
