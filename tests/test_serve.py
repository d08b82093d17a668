"""The real thing: `segmenter serve` (granian with the packaged settings) on a free loopback
port, the seeds posted to it, then a clean shutdown. Bounded in time and request count. The
hostile clients of issue 18 are in test_probes.py."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import SEEDS, get


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_through_the_server(live_server: str, seed: Path) -> None:
    status, body = get(live_server + "/segment", seed.read_bytes())
    assert status == 200
    result = json.loads(body)
    golden = json.loads(
        (seed.parent.parent / "tests/fixtures/golden" / (seed.stem + ".json")).read_text()
    )
    assert result == golden


def test_the_server_answers_problems_and_metrics(live_server: str) -> None:
    status, body = get(live_server + "/segment", b"x", ctype="application/xml")
    assert status == 415 and json.loads(body)["status"] == 415
    status, body = get(live_server + "/metrics")
    assert status == 200 and b"segmenter_requests_total" in body


def test_a_client_that_keeps_its_end_open_after_close_holds_up_no_one(live_server: str) -> None:
    """Five clients ask for "Connection: close" and keep their end open (gthread lingered on
    each, for up to 2 s, on its event loop): the others are served at once, and each of the
    five gets its whole answer and the FIN."""
    address = urlsplit(live_server)
    held = []
    for _ in range(5):
        s = socket.create_connection((address.hostname, address.port), timeout=20)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        held.append(s)
    for _ in range(5):
        started = time.monotonic()
        assert get(live_server + "/healthz")[0] == 200
        assert time.monotonic() - started < 1.0
    for s in held:
        answer = b""
        while chunk := s.recv(4096):  # to the server's FIN, sent with the answer
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b'"ok"}')
        s.sendall(b"late bytes are read and dropped")
        s.close()
    assert get(live_server + "/healthz")[0] == 200


def test_threads_map_onto_granians_blocking_threads_and_backpressure() -> None:
    """SEGMENTER_THREADS is the bound on clients stalled in their bodies (each holds a
    thread): granian's defaults when 0, else the threads and twice as much backpressure."""
    from segmenter.config import Settings
    from segmenter.server import granian_options

    default = granian_options(Settings.from_env({"SEGMENTER_WORKERS": "2"}))
    assert default["blocking_threads"] is None and default["backpressure"] is None
    env = {"SEGMENTER_WORKERS": "2", "SEGMENTER_THREADS": "1024"}
    raised = granian_options(Settings.from_env(env))
    assert raised["blocking_threads"] == 1024 and raised["backpressure"] == 2048
    few = granian_options(Settings.from_env({"SEGMENTER_WORKERS": "2", "SEGMENTER_THREADS": "8"}))
    assert few["blocking_threads"] == 8 and few["backpressure"] == 512  # never below default
