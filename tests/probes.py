"""Hostile clients, as issue 18 tried them, against a server on 127.0.0.1: each probe is
bounded in time and returns what it measured. `tests/test_probes.py` asserts on them;
`scripts/compare_servers.py` prints them for several servers side by side."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from conftest import get

SEED = Path(__file__).resolve().parent.parent / "seeds" / "002_0b1dbd43aa0014da.txt"


def address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80


def connect(base: str, timeout: float = 10) -> socket.socket:
    return socket.create_connection(address(base), timeout=timeout)


def read_answer(sock: socket.socket, limit_s: float = 10) -> bytes:
    """Everything the server sends until it closes, or until `limit_s` passes."""
    sock.settimeout(limit_s)
    data, deadline = b"", time.monotonic() + limit_s
    with contextlib.suppress(OSError):
        while time.monotonic() < deadline and (chunk := sock.recv(65536)):
            data += chunk
    return data


def status_of(answer: bytes) -> int:
    """The status code of a raw answer, 0 when there was none."""
    try:
        return int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def raw(base: str, request: bytes, half_close: bool = False, limit_s: float = 10) -> bytes:
    """Send `request` as it is, then read the answer (to the server's close or `limit_s`)."""
    with connect(base, limit_s) as s:
        s.sendall(request)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        return read_answer(s, limit_s)


def timed_post(
    base: str, body: bytes | None = None, path: str = "/segment", limit_s: float = 30
) -> float:
    """A normal client: a ~5 KB POST with its headers and body in two sends, as http.client
    sends them; the seconds until its whole 200 answer."""
    body = SEED.read_bytes() if body is None else body
    started = time.monotonic()
    conn = http.client.HTTPConnection(*address(base), timeout=limit_s)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "text/plain"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise AssertionError(f"the normal client got {response.status}")
    finally:
        conn.close()
    return time.monotonic() - started


@contextlib.contextmanager
def stalled_bodies(base: str, clients: int = 200) -> Iterator[None]:
    """`clients` connections that send their headers and the start of a 1000-byte body, then
    nothing, for as long as the block runs."""
    head = b"POST /segment HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
    stalled = []
    try:
        for _ in range(clients):
            s = connect(base)
            s.sendall(head + b"Content-Length: 1000\r\n\r\nonly the start")
            stalled.append(s)
        time.sleep(0.5)
        yield
    finally:
        for s in stalled:
            s.close()


@contextlib.contextmanager
def slowloris(base: str, clients: int = 8, seconds: float = 30) -> Iterator[None]:
    """`clients` connections trickling headers at a byte a second and as many trickling a
    body (Content-Length 100000) at a byte a second, for as long as the block runs."""
    stop = threading.Event()
    head = b"POST /segment HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
    in_body = head + b"Content-Length: 100000\r\n\r\n"

    def trickle(prefix: bytes, drip: bytes) -> None:
        try:
            with connect(base) as s:
                s.sendall(prefix)
                deadline = time.monotonic() + seconds
                while not stop.wait(1.0) and time.monotonic() < deadline:
                    s.sendall(drip)
        except OSError:
            return  # cut off by the server: that is its right

    threads: list[threading.Thread] = []
    for _ in range(clients):
        threads.append(threading.Thread(target=trickle, args=(b"POST /seg", b"m")))
        threads.append(threading.Thread(target=trickle, args=(in_body, b"a")))
    for t in threads:
        t.start()
    time.sleep(1.5)  # every trickler connected and sending
    try:
        yield
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=5)


def http_client_post(base: str, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(*address(base), timeout=30)
    try:
        conn.request("POST", "/segment", body=body, headers={"Content-Type": "text/plain"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def oversize(base: str, mib: int = 11) -> dict[str, str]:
    """An `mib` MiB body from urllib and from http.client: what each client saw."""
    body = b"x" * (mib << 20)
    seen: dict[str, str] = {}
    clients: dict[str, Callable[[], tuple[int, bytes]]] = {
        "urllib": lambda: get(base + "/segment", body),
        "http.client": lambda: http_client_post(base, body),
    }
    for name, call in clients.items():
        try:
            status, _ = call()
            seen[name] = str(status)
        except OSError as exc:
            seen[name] = type(exc).__name__
    return seen


def unread_answers(base: str, clients: int = 6, seconds: float = 4) -> list[float]:
    """`clients` connections post requests with large answers and never read them, while a
    kept-alive client asks /healthz every 50 ms; its latencies in seconds."""
    text = "\n".join(f"{line} {i}" for i, line in enumerate(SEED.read_text().splitlines() * 40))
    body = text[:200_000].encode()
    request = (
        b"POST /segment?explain=1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    )
    stop = threading.Event()

    def flood() -> None:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        try:
            s.connect(address(base))
            while not stop.is_set():
                s.sendall(request)
                time.sleep(0.05)
        except OSError:
            pass  # cut off: the server's right
        finally:
            s.close()

    floods = [threading.Thread(target=flood) for _ in range(clients)]
    for t in floods:
        t.start()
    time.sleep(0.5)
    latencies = []
    conn = http.client.HTTPConnection(*address(base), timeout=30)
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.monotonic()
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
    conn.close()
    stop.set()
    for t in floods:
        t.join(timeout=10)
    return latencies


def summary(latencies: list[float]) -> str:
    return (
        f"median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )


def gzip_members(*parts: bytes) -> bytes:
    return b"".join(gzip.compress(p) for p in parts)


def problem(answer: bytes) -> dict[str, object]:
    """The problem document of a raw answer (its body after the blank line)."""
    body = answer.split(b"\r\n\r\n", 1)[1]
    result: dict[str, object] = json.loads(body)
    return result
