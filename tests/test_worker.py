"""The worker's client socket: timeouts set lazily, with the semantics of the socket's own."""

from __future__ import annotations

import socket
import time

import pytest

from segmenter.worker import _ClientSocket


def test_blocking_mode_waits_at_most_the_timeout_and_non_blocking_not_at_all() -> None:
    a, b = socket.socketpair()
    with a, b:
        wrapped = _ClientSocket(a, 0.2)
        wrapped.setblocking(True)
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            wrapped.recv(10)
        assert 0.15 < time.monotonic() - started < 2
        wrapped.setblocking(False)
        with pytest.raises(BlockingIOError):
            wrapped.recv(10)
        b.sendall(b"hello")
        wrapped.setblocking(True)
        assert wrapped.recv(10) == b"hello"
        wrapped.sendall(b"back")
        assert b.recv(10) == b"back"


def test_a_timeout_set_and_reset_before_any_read_never_reaches_the_socket() -> None:
    a, b = socket.socketpair()
    with a, b:
        a.settimeout(5.0)
        wrapped = _ClientSocket(a, 5.0)
        wrapped.settimeout(0.5)  # the parser's drain deadline, then its reset
        assert wrapped.gettimeout() == 0.5 and a.gettimeout() == 5.0
        wrapped.settimeout(5.0)
        wrapped.setblocking(False)  # for the poller
        wrapped.setblocking(True)
        assert a.gettimeout() == 5.0 and wrapped.gettimeout() == 5.0
        wrapped.settimeout(0.1)
        with pytest.raises(TimeoutError):
            wrapped.recv(1)
        assert a.gettimeout() == 0.1
