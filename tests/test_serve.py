"""The real thing: `segmenter serve` (gunicorn with the packaged config) on a free loopback
port, the seeds posted to it, then a clean shutdown. Bounded in time and request count."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import SEEDS, get
from segmenter.localserver import LocalServer, running


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_through_gunicorn(live_server: str, seed: Path) -> None:
    status, body = get(live_server + "/segment", seed.read_bytes())
    assert status == 200
    result = json.loads(body)
    golden = json.loads(
        (seed.parent.parent / "tests/fixtures/golden" / (seed.stem + ".json")).read_text()
    )
    assert result == golden


def test_gunicorn_answers_problems_and_metrics(live_server: str) -> None:
    status, body = get(live_server + "/segment", b"x", ctype="application/xml")
    assert status == 415 and json.loads(body)["status"] == 415
    status, body = get(live_server + "/metrics")
    assert status == 200 and b"segmenter_requests_total" in body


def test_stalled_clients_are_cut_off_and_the_service_keeps_serving() -> None:
    """More clients stall mid-request than there are worker threads (2 workers x 2): each is
    cut off after SEGMENTER_CLIENT_TIMEOUT, and a real request still gets its answer."""
    with running(workers=2, env={"SEGMENTER_CLIENT_TIMEOUT": "1"}) as server:
        address = urlsplit(server.base)
        head = b"POST /segment HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        in_body, in_head = [], []
        for _ in range(6):
            s = socket.create_connection((address.hostname, address.port), timeout=20)
            s.sendall(head + b"Content-Length: 1000\r\n\r\nonly the start of it")
            in_body.append(s)
            s = socket.create_connection((address.hostname, address.port), timeout=20)
            s.sendall(head[:30])
            in_head.append(s)
        started = time.monotonic()
        status, _ = get(
            server.base + "/segment", SEEDS.joinpath("002_0b1dbd43aa0014da.txt").read_bytes()
        )
        assert status == 200 and time.monotonic() - started < 10
        for s in in_body:
            answer = s.recv(4096)
            assert answer.startswith(b"HTTP/1.1 408") and b"problem+json" in answer
            s.close()
        for s in in_head:
            assert s.recv(4096) == b""  # closed without an answer: there was no request yet
            s.close()


def _connections_per_worker(server: LocalServer) -> list[int]:
    """Established connections each worker process holds, from /proc (Linux)."""
    port = urlsplit(server.base).port
    inodes = set()
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = row.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
            inodes.add(f"socket:[{fields[9]}]")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    counts = []
    for pid in children:
        links = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                links.append(os.readlink(fd))
            except OSError:
                continue  # closed meanwhile
        counts.append(sum(link in inodes for link in links))
    return sorted(counts)


def _healthz(conn: http.client.HTTPConnection) -> bool:
    """GET /healthz on a kept-alive connection; whether the answer said to close it."""
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    response.read()
    assert response.status == 200
    return response.getheader("Connection", "").lower() == "close"


def _until_split(
    server: LocalServer, clients: list[http.client.HTTPConnection], split: list[int]
) -> int:
    """Requests on every client, round after round, until the workers hold `split`
    connections (bounded: 30 s); how many answers said "Connection: close"."""
    closes, deadline = 0, time.monotonic() + 30
    while _connections_per_worker(server) != split and time.monotonic() < deadline:
        for client in clients:
            closes += _healthz(client)  # http.client reconnects after a close
        time.sleep(0.05)
    assert _connections_per_worker(server) == split
    return closes


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="counts connections in /proc")
def test_kept_alive_connections_are_spread_evenly_over_the_workers() -> None:
    with running(workers=2) as server:
        address = urlsplit(server.base)
        clients = [
            http.client.HTTPConnection(address.hostname or "", address.port) for _ in range(12)
        ]
        _until_split(server, clients, [6, 6])  # the second worker may start a little later
        # Both serve now: each new connection goes to the worker holding fewer.
        for n in range(7, 10):
            for _ in range(2):
                clients.append(http.client.HTTPConnection(address.hostname or "", address.port))
                assert not _healthz(clients[-1])
            assert _connections_per_worker(server) == [n, n]
        for client in clients:
            client.close()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="counts connections in /proc")
def test_a_worker_that_joins_late_gets_its_share_without_a_failed_request() -> None:
    """All 10 connections are on the one worker when a second starts (SIGTTIN, as after a
    restart): answers with "Connection: close" move clients over until the split is even."""
    with running(workers=1) as server:
        address = urlsplit(server.base)
        clients = [
            http.client.HTTPConnection(address.hostname or "", address.port) for _ in range(10)
        ]
        for client in clients:
            _healthz(client)
        assert _connections_per_worker(server) == [10]
        os.kill(server.pid, signal.SIGTTIN)
        assert _until_split(server, clients, [5, 5]) >= 5
        for client in clients:
            client.close()


def test_a_client_that_keeps_its_end_open_after_close_holds_up_no_one() -> None:
    """gthread drains a closing connection on its event loop, for up to 2 s: five clients that
    ask for "Connection: close" and keep their end open would stall the worker for 10 s. Here
    the others are served at once, and each of the five gets its whole answer and the FIN."""
    with running(workers=1) as server:
        address = urlsplit(server.base)
        held = []
        for _ in range(5):
            s = socket.create_connection((address.hostname, address.port), timeout=20)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            held.append(s)
        for _ in range(5):
            started = time.monotonic()
            assert get(server.base + "/healthz")[0] == 200
            assert time.monotonic() - started < 1.0
        for s in held:
            answer = b""
            while chunk := s.recv(4096):  # to the server's FIN, sent with the answer
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b'"ok"}')
            s.sendall(b"late bytes are read and dropped")
            s.close()
        assert get(server.base + "/healthz")[0] == 200


def test_a_client_that_reads_no_answers_holds_up_the_others_a_second_at_most() -> None:
    """Small requests are answered on the worker's event loop (segmenter.worker, 4.). A client
    that sends them and never reads the answers fills the socket's buffers, and the next
    answer's write blocks the loop: for at most a second, then that client is cut off."""
    seed = SEEDS.joinpath("000_bd983b188d7b8a72.txt").read_text(encoding="utf-8")
    text = "\n".join(f"{line} {i}" for i, line in enumerate(seed.splitlines() * 10))
    body = text[:60_000].encode()
    request = (
        b"POST /segment?explain=1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    )
    with running(workers=1) as server:
        address = urlsplit(server.base)
        stop = threading.Event()
        cut_off = threading.Event()

        def flood() -> None:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect((address.hostname, address.port))
            with s:
                while not stop.is_set():
                    try:
                        s.sendall(request)
                    except OSError:
                        cut_off.set()
                        return
                    time.sleep(0.01)

        flooder = threading.Thread(target=flood)
        flooder.start()
        worst, until = 0.0, time.monotonic() + 4
        while time.monotonic() < until:
            started = time.monotonic()
            assert get(server.base + "/healthz")[0] == 200
            worst = max(worst, time.monotonic() - started)
            time.sleep(0.05)
        stop.set()
        flooder.join(timeout=20)
        # Its answers (80 KB each) filled the buffers, about 6 MB here, and it was cut off.
        assert cut_off.is_set()
        assert worst < 2.5, worst
