"""The real thing: `segmenter serve` (gunicorn with the packaged config) on a free loopback
port, the seeds posted to it, then a clean shutdown. Bounded in time and request count."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import SEEDS, get
from segmenter.localserver import running


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
