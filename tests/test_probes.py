"""Issue 18's probes, as an attacker would send them, against `segmenter serve` on a free
loopback port: each is bounded to seconds, and a normal client must be served throughout.
The probes themselves are in tests/probes.py (scripts/compare_servers.py runs them against
other servers for docs/service.md)."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import probes
import pytest

from conftest import SEEDS, get
from segmenter.localserver import LocalServer, running

HEAD = b"POST /segment HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
URLS = "\n".join(f"https://example{i}.com/path/to/article-{i}?q={i * 7}" for i in range(20_000))
# 20,000 distinct sentence-shaped lines: about 2 s of CPU on this machine, whatever memos hold.
HEAVY = "\n".join(
    f"The council said on day {i} that item {i * 7} at https://example{i}.com/path/to/"
    f"article-{i}?q={i * 3} was approved by {i % 97} votes."
    for i in range(20_000)
)


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


@pytest.fixture(scope="module")
def tight() -> Iterator[LocalServer]:
    """A server of its own for the probes that kill a worker, with a 1 s budget and 2 s for a
    request's headers."""
    env = {"SEGMENTER_BUDGET": "1", "SEGMENTER_CLIENT_TIMEOUT": "2"}
    with running(workers=2, env=env) as server:
        yield server


def test_slowloris_leaves_a_normal_client_served_at_once(live_server: str) -> None:
    with probes.slowloris(live_server, clients=8, seconds=10):
        took = [probes.timed_post(live_server) for _ in range(3)]
    assert max(took) < 1.0, took


def test_two_hundred_clients_stalled_in_their_bodies_leave_a_normal_client_served(
    live_server: str,
) -> None:
    """Each holds one of a worker's threads until it closes (granian's WSGI input has no read
    deadline): 64 threads a worker fell to 160 of them; granian's 256 take 200 in their
    stride (segmenter/server.py)."""
    with probes.stalled_bodies(live_server, clients=200):
        assert probes.timed_post(live_server, limit_s=10) < 1.0


@pytest.mark.parametrize("client", ["urllib", "http.client"])
def test_an_oversize_body_gets_a_413_that_a_client_sending_it_all_can_read(
    live_server: str, client: str
) -> None:
    """Both clients send the whole 11 MiB before reading a byte: the server reads (and drops)
    the rest of the body before it answers, so the answer is not lost in a reset."""
    seen = probes.oversize(live_server, mib=11)
    assert seen[client] == "413", seen


def test_an_oversize_body_problem_is_problem_json(live_server: str) -> None:
    status, body = get(live_server + "/segment", b"x" * (11 << 20))
    assert status == 413 and json.loads(body)["title"] == "Content Too Large"


def test_a_body_shorter_than_its_content_length_is_a_400(live_server: str) -> None:
    request = HEAD + b"Content-Length: 1000\r\n\r\n" + b"some text " * 8 + b"four"
    answer = probes.raw(live_server, request, half_close=True, limit_s=5)
    assert probes.status_of(answer) == 400
    assert "ended after 84 of its 1000 bytes" in str(probes.problem(answer)["detail"])


CHUNKED = HEAD + b"Transfer-Encoding: chunked\r\n\r\n"
PIPELINED = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize("body", [b"zz\r\nhello\r\n0\r\n\r\n", b"0\r\n\r\n"], ids=["zz", "empty"])
def test_a_chunked_body_malformed_before_any_data_is_a_400(live_server: str, body: bytes) -> None:
    request = HEAD + b"Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    answer = probes.raw(live_server, request, limit_s=5)
    assert probes.status_of(answer) == 400, answer[:300]
    assert str(probes.problem(answer)["type"]).endswith("malformed-chunked-body")


@pytest.mark.parametrize(
    "body",
    [b"5\r\nhelloXX" + PIPELINED, b"5\r\nhello\r\nzz\r\n" + PIPELINED],
    ids=["missing-crlf", "bad-size-after-data"],
)
def test_a_chunked_body_malformed_after_data_is_answered_once_on_its_prefix(
    live_server: str, body: bytes
) -> None:
    """What granian 2.8 allows: it ends the body at the fault without telling the app, so
    the app answers the bytes before it (here "hello", 200); hyper then closes the connection,
    so the bytes after the fault are never read as a request. If a granian upgrade starts
    reporting the fault, this test fails and the answer can become the 400 it should be."""
    started = time.monotonic()
    answer = probes.raw(live_server, CHUNKED + body, limit_s=5)
    assert answer.count(b"HTTP/1.1 ") == 1 and probes.status_of(answer) == 200, answer[:300]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["stats"]["lines"] == 1
    assert time.monotonic() - started < 2  # closed at once, not kept alive


def test_a_chunked_body_cut_off_by_a_half_close_is_never_a_500(live_server: str) -> None:
    answer = probes.raw(live_server, CHUNKED + b"50\r\nhello", half_close=True, limit_s=5)
    assert probes.status_of(answer) in (200, 400), answer[:300]
    assert get(live_server + "/healthz")[0] == 200


def test_a_multi_member_gzip_body_is_read_whole(live_server: str) -> None:
    first, second = "A first line of the story.", "A second member of the same gzip body."
    request = HEAD + b"Content-Encoding: gzip\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
    data = probes.gzip_members(first.encode(), ("\n" + second).encode())
    answer = probes.raw(live_server, request % len(data) + data, limit_s=5)
    assert probes.status_of(answer) == 200
    result = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert result["stats"]["lines"] == 2


def test_gzip_members_count_against_the_limit_together() -> None:
    """Two members of 150 KB under a 200 KB limit: each fits, together they do not."""
    from segmenter.web import create_app

    client = create_app({"max_bytes": 200_000}).test_client()
    data = probes.gzip_members(b"a line\n" * 21_000, b"a line\n" * 21_000)
    r = client.post(
        "/segment", data=data, headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"}
    )
    assert r.status_code == 413 and "inflates past 200000" in r.get_json()["detail"]


def test_a_lone_surrogate_is_a_400_and_a_batch_answers_the_others(live_server: str) -> None:
    status, body = get(
        live_server + "/segment", b'{"text": "bad \\ud800 text"}', "application/json"
    )
    assert status == 400 and json.loads(body)["type"].endswith("lone-surrogate")
    docs = [
        {"id": "ok", "text": "A line of a story that reads as a sentence of prose, or so."},
        {"id": "bad \ud800", "text": "bad \ud800"},
    ]
    payload = json.dumps({"documents": docs}).encode()  # json escapes the surrogate as \ud800
    status, body = get(live_server + "/segment/batch", payload, "application/json")
    assert status == 200, body[:300]
    answer = json.loads(body)
    assert [r["id"] for r in answer["results"]] == ["ok"]
    ((error,),) = [answer["errors"]]
    assert error["index"] == 1 and error["status"] == 400 and error["id"] == "bad ?"


def test_a_gzip_batch_that_inflates_to_two_million_lines_is_refused_at_once(
    live_server: str,
) -> None:
    docs = {"documents": [{"id": str(i), "text": "\n" * 19_999 + "x"} for i in range(100)]}
    data = gzip.compress(json.dumps(docs).encode(), 9)
    assert len(data) < 20_000
    request = (
        b"POST /segment/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Encoding: gzip\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
    )
    started = time.monotonic()
    answer = probes.raw(live_server, request % len(data) + data, limit_s=10)
    assert probes.status_of(answer) == 413
    assert "2000000 lines in all" in str(probes.problem(answer)["detail"])
    assert time.monotonic() - started < 2


def test_a_gzip_bomb_is_a_quick_413(live_server: str) -> None:
    data = gzip.compress(b"\n" * (64 << 20), 9)
    request = HEAD + b"Content-Encoding: gzip\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
    started = time.monotonic()
    answer = probes.raw(live_server, request % len(data) + data, limit_s=10)
    assert probes.status_of(answer) == 413 and time.monotonic() - started < 1


def test_deeply_nested_json_is_a_400(live_server: str) -> None:
    status, body = get(
        live_server + "/segment", b"[" * 100_000 + b"]" * 100_000, "application/json"
    )
    assert status == 400 and json.loads(body)["status"] == 400


def test_clients_that_read_no_answers_hold_up_no_one(live_server: str) -> None:
    latencies = probes.unread_answers(live_server, clients=6, seconds=3)
    assert statistics.median(latencies) < 0.1 and max(latencies) < 1.0, probes.summary(latencies)


@pytest.mark.parametrize(
    "request_bytes",
    [
        HEAD + b"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
        HEAD + b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"
        b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n",
        HEAD + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        HEAD + b"Content-Length: 5\r\nX-A: a\r\n b\r\n\r\nhello",
    ],
    ids=["CL.TE", "TE.CL", "two-lengths", "obs-fold"],
)
def test_smuggling_shapes_never_get_a_second_request_through(
    live_server: str, request_bytes: bytes
) -> None:
    """Conflicting lengths and folded headers: a 400, or (CL with TE) the body read by its
    chunks and the connection closed after the one answer, as RFC 9112 6.3 requires."""
    answer = probes.raw(live_server, request_bytes, limit_s=5)
    assert answer.count(b"HTTP/1.1 ") == 1, answer[:300]
    status = probes.status_of(answer)
    assert status == 400 or (b"connection: close" in answer.lower() and status < 500)


def test_pipelined_requests_are_answered_in_order(live_server: str) -> None:
    pipelined = (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    answer = probes.raw(live_server, pipelined, limit_s=5)
    assert answer.count(b"HTTP/1.1 200") == 2
    assert answer.index(b'"ok"') < answer.index(b'"ready"')


def test_eight_parallel_clients_get_byte_identical_answers(live_server: str) -> None:
    seed = SEEDS.joinpath("000_bd983b188d7b8a72.txt").read_bytes()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: get(live_server + "/segment", seed), range(32)))
    assert {status for status, _ in answers} == {200}
    assert len({body for _, body in answers}) == 1


def test_headers_trickling_in_are_cut_off_at_the_deadline_however_they_trickle(
    tight: LocalServer,
) -> None:
    """A byte of header every 0.2 s: the deadline is on all of the headers, so it does not
    start again with each byte (the old worker's did)."""
    with probes.connect(tight.base) as s:
        s.sendall(b"POST /segment HTTP/1.1\r\n")
        started = time.monotonic()
        with contextlib.suppress(OSError):
            while time.monotonic() - started < 10:
                s.sendall(b"X")
                time.sleep(0.2)
        closed_after = time.monotonic() - started
    assert 1.5 < closed_after < 4, closed_after


def test_a_request_over_its_budget_is_a_503_with_retry_after(tight: LocalServer) -> None:
    """Three documents of 20,000 sentence-shaped lines (about 2 s of CPU each) under a 1 s
    budget: the batch is answered 503 at the next stage boundary, and a normal client
    meanwhile at once."""
    docs = [{"id": str(i), "text": HEAVY.replace("example", f"e{i}x")} for i in range(3)]
    payload = json.dumps({"documents": docs}).encode()
    result: dict[str, object] = {}

    def heavy() -> None:
        conn = probes.http.client.HTTPConnection(*probes.address(tight.base), timeout=60)
        conn.request("POST", "/segment/batch", payload, {"Content-Type": "application/json"})
        response = conn.getresponse()
        result.update(status=response.status, retry=response.getheader("Retry-After"))
        result["body"] = json.loads(response.read())
        conn.close()

    worker = threading.Thread(target=heavy)
    worker.start()
    time.sleep(0.3)
    took = []
    while worker.is_alive() and len(took) < 200:
        took.append(probes.timed_post(tight.base))
        time.sleep(0.05)
    worker.join(timeout=60)
    assert result["status"] == 503 and result["retry"] == "1"
    assert result["body"]["title"] == "Over Budget"  # type: ignore[index]
    assert took and max(took) < 2.0, took


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc and pgrep")
def test_a_killed_worker_is_replaced_and_the_other_serves_meanwhile(tight: LocalServer) -> None:
    before = children(tight.pid)
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    started = time.monotonic()
    while time.monotonic() - started < 5 and len(set(children(tight.pid)) - set(before)) < 1:
        time.sleep(0.02)
    replaced_in = time.monotonic() - started
    assert replaced_in < 1.0, replaced_in
    # Meanwhile, and while the new worker loads, every request is answered.
    for _ in range(20):
        assert probes.timed_post(tight.base) < 1.0
    deadline = time.monotonic() + 30
    while get(tight.base + "/readyz")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.1)


def test_sigterm_lets_a_request_in_flight_finish() -> None:
    docs = [{"id": "0", "text": URLS}]
    payload = json.dumps({"documents": docs}).encode()
    with running(workers=1) as server:
        result: dict[str, object] = {}

        def slow() -> None:
            result["answer"] = get(server.base + "/segment/batch", payload, "application/json")

        client = threading.Thread(target=slow)
        client.start()
        time.sleep(0.5)  # the request is in the worker
        os.kill(server.pid, signal.SIGTERM)
        client.join(timeout=30)
        status, body = result["answer"]  # type: ignore[misc]
        assert status == 200 and json.loads(body)["results"][0]["stats"]["lines"] == 20_000


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /healthz HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 600_000 + b"\r\n\r\n", 431),
    ],
    ids=["request-line", "header-name", "uri-too-long", "headers-too-large"],
)
def test_server_level_errors_are_hypers_bare_4xx(
    live_server: str, request_bytes: bytes, status: int
) -> None:
    """What hyper answers by itself when it cannot parse a request (its `on_error`, before
    granian or the app sees anything: no `server: granian` header): a 4xx with an empty body
    and the connection closed. Neither hyper nor granian has a setting for its body, so it
    cannot be problem+json (docs/service.md); it must stay a 4xx, never a hang or a 5xx."""
    answer = probes.raw(live_server, request_bytes, limit_s=5)
    assert probes.status_of(answer) == status, answer[:200]
    head = answer.lower()
    assert b"content-length: 0\r\n" in head and b"connection: close" in head
    assert answer.endswith(b"\r\n\r\n")
    assert get(live_server + "/healthz")[0] == 200
