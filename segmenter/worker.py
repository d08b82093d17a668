"""gunicorn's threaded worker, with a deadline on every read and write of a client socket.

gunicorn's gthread worker reads a request's headers and body with blocking calls and no
timeout: a client that sends half a request and stalls holds a worker thread for as long as it
keeps the connection open, and a handful of such clients (two threads per worker) stop the
service. gunicorn leaves this to a buffering proxy in front; a container in an ingest pipeline
often has none. Here "blocking" means "blocking for at most SEGMENTER_CLIENT_TIMEOUT seconds":
a stalled client then costs a thread for that long, and its connection is closed (a 408
problem when the body was being read, see `web._read_body`).

It also spreads connections evenly over the workers. gunicorn's workers race to accept, and a
kept-alive connection stays with the worker that won it: under a steady load of 64 connections
the split between two workers was seen from 32/32 to 0/64, and the worker holding more queues
its requests longer (p99 latency up by half; in the 0/64 case half the CPU idles). Here each
worker publishes how many connections it holds, in memory shared with its siblings, and leaves
the next one to a live worker that holds fewer ("least connections", as a load balancer would).

Used by the packaged configuration (`gunicorn_conf`: `worker_class`, and the `pre_fork` and
`child_exit` hooks that give each worker its slot in that memory and free it).
"""

from __future__ import annotations

import array
import mmap
import socket
from typing import Any

from gunicorn.workers import gthread

from .config import Settings

# Connections held by each worker, by slot; a free slot, or a worker not serving, holds _FREE.
# Created on import in gunicorn's master, which loads the worker class before it forks.
_SLOTS = 64
_FREE = -1
_held = memoryview(mmap.mmap(-1, 4 * _SLOTS)).cast("i")
_held[:] = array.array("i", [_FREE] * _SLOTS)
# A worker that leaves new connections to a sibling looks again this often, even when none of
# its own connections stirs: the sibling's count may have overtaken its own meanwhile.
_RECHECK_S = 0.01


def claim_slot(server: Any, worker: Any) -> None:
    """gunicorn's `pre_fork` hook (in the master): the lowest slot no live worker holds."""
    taken = {getattr(w, "slot", None) for w in server.WORKERS.values()}
    worker.slot = next((i for i in range(_SLOTS) if i not in taken), None)
    if worker.slot is not None:
        _held[worker.slot] = _FREE


def release_slot(worker: Any) -> None:
    """From gunicorn's `child_exit` hook (in the master): a dead worker takes no connections,
    however few it held."""
    slot = getattr(worker, "slot", None)
    if slot is not None:
        _held[slot] = _FREE


class _ClientSocket:
    """A client socket whose blocking mode has a timeout; everything else is the socket's."""

    __slots__ = ("_sock", "_timeout")

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self._sock, self._timeout = sock, timeout

    def setblocking(self, flag: bool) -> None:
        self._sock.settimeout(self._timeout if flag else 0.0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class ThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]
    timeout_s = float(Settings.from_env().client_timeout)
    slot: int | None = None  # given by the pre_fork hook; without it, gthread's race decides

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaving = 0  # connections told to close after the request they are on

    @property
    def held(self) -> int:
        return int(self.nr_conns) - self.leaving

    def fewest_elsewhere(self) -> int | None:
        """Connections held by the live sibling that holds fewest; None without one."""
        if self.slot is None:
            return None
        counts = _held.tolist()
        counts[self.slot] = _FREE
        return min((n for n in counts if n >= 0), default=None)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # gthread's main loop passes here once per round of events.
        if self.slot is not None:
            _held[self.slot] = self.held if self.alive else _FREE
            if self.alive:
                self.set_accept_enabled(self.nr_conns < self.worker_connections)
                if not self._accepting:
                    timeout = min(timeout, _RECHECK_S)
        super().wait_for_and_dispatch_events(timeout)

    def set_accept_enabled(self, enabled: bool) -> None:
        fewest = self.fewest_elsewhere()
        super().set_accept_enabled(enabled and (fewest is None or fewest >= self.held))

    def enqueue_req(self, conn: Any) -> None:
        # Every connection, new or kept alive, passes here before a thread reads from it. TLS
        # needs the real socket to wrap: with a certificate configured, gthread's own ways
        # stand.
        wrap = self.timeout_s > 0 and not self.cfg.is_ssl
        if wrap and not isinstance(conn.sock, _ClientSocket):
            conn.sock = _ClientSocket(conn.sock, self.timeout_s)
        # Accepting evenly is not enough: a worker that restarts (max_requests, a crash) comes
        # back with none, while its sibling keeps every client that reconnected meanwhile. A
        # worker two or more connections above a sibling answers the next request on one of
        # its kept-alive connections with "Connection: close"; the client reconnects, and the
        # sibling accepts. Only a connection that has served a request is chosen: it has a
        # request ready, so it is closed after that one (a new one might wait for data).
        if conn.initialized and not getattr(conn, "leaving", False):
            fewest = self.fewest_elsewhere()
            if fewest is not None and self.held - fewest >= 2:
                conn.leaving = True
                self.leaving += 1
        super().enqueue_req(conn)

    def handle_request(self, req: Any, conn: Any) -> bool:
        if getattr(conn, "leaving", False):
            req.must_close = True
        return bool(super().handle_request(req, conn))

    def finish_request(self, conn: Any, fs: Any) -> None:
        before = self.nr_conns
        super().finish_request(conn, fs)
        if getattr(conn, "leaving", False) and self.nr_conns < before:
            self.leaving -= 1
