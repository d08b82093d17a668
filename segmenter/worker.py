"""gunicorn's threaded worker, with four changes for a service that faces its clients directly.

1. A deadline on every read and write of a client socket. gthread reads a request's headers
   and body with blocking calls and no timeout: a client that sends half a request and stalls
   holds a worker thread for as long as it keeps the connection open, and a handful of such
   clients (two threads per worker) stop the service. gunicorn leaves this to a buffering
   proxy in front; a container in an ingest pipeline often has none. Here "blocking" means
   "blocking for at most SEGMENTER_CLIENT_TIMEOUT seconds": a stalled client then costs a
   thread for that long, and its connection is closed (a 408 problem when the body was being
   read, see `web._read_body`).
2. A closing connection lingers in the poller, not in the main loop. To close after an answer
   (the client asked to, or the worker is recycling), gthread half-closes the socket and then
   reads until the client closes its end, for up to 2 s, on the thread that runs the event
   loop: a client that keeps its end open stops every connection of the worker for those 2 s.
   Here the reads wait in the poller with the kept-alive connections.
3. Connections are spread evenly over the workers. gunicorn's workers race to accept, and a
   kept-alive connection stays with the worker that won it: under a steady load of 64
   connections the split between two workers was seen from 32/32 to 0/64, and the worker
   holding more queues its requests longer (p99 latency up by half; in the 0/64 case half the
   CPU idles). Each worker publishes how many connections it holds, in memory shared with its
   siblings, and leaves the next one to a live worker that holds fewer ("least connections",
   as a load balancer would).
4. A small request that has fully arrived is answered on the event loop's own thread. The work
   is CPU-bound and the GIL lets one thread run at a time, so handing each request to a pool
   thread and its connection back to the loop bought nothing but thread switches (about 15
   futex calls a request) and a pipe write. Here the loop peeks at a readable connection: a
   whole request of up to 64 KiB is answered in place; one still arriving, or a larger one,
   goes to the pool as before, so a slow client still holds only a pool thread. New
   connections wait in the poller for their first request, as kept-alive ones do. The loop
   answers ready connections in arrival order and polls again every 5 ms of work, so that it
   keeps accepting and beating. An answer written on the loop must leave within 1 s (a client
   that reads no answers is then cut off) instead of SEGMENTER_CLIENT_TIMEOUT.

Used by the packaged configuration (`gunicorn_conf`: `worker_class`, and the `pre_fork` and
`child_exit` hooks that give each worker its slot in that memory and free it).
"""

from __future__ import annotations

import array
import contextlib
import errno
import math
import mmap
import selectors
import socket
import time
from collections import deque
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn import util
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
# A closing connection: how long, and how many bytes, to read what the client still sends
# (gunicorn's own figures for the same purpose, util.close_graceful).
_LINGER_S = 2.0
_LINGER_BYTES = 65536
# A request whose body has fully arrived, up to this size, is answered on the loop's own thread
# (4.); larger ones, and requests still arriving, go to the thread pool.
_INLINE_BYTES = 65536
# The loop answers requests in turn for at most this long before it polls again, so that new
# connections are accepted and the arbiter hears from the worker while the queue is long.
_INLINE_ROUND_S = 0.005
# An answer written on the loop's thread must leave the socket within this time: a client that
# does not read its answers stops the whole worker meanwhile, not one thread of the pool.
_INLINE_WRITE_S = 1.0


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
    """A client socket whose blocking mode has a timeout; everything else is the socket's.

    The timeout reaches the socket only when the socket is read or written: gthread and its
    parser set and reset it several times a request (blocking, non-blocking for the poller, a
    deadline to drain the body), each setting is a system call, and most of them change
    nothing that is ever used. All of gunicorn's reads and writes of a client socket are the
    five methods below (the poller needs only the descriptor)."""

    __slots__ = ("_have", "_sock", "_want", "deadline")

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self._sock, self.deadline = sock, timeout  # deadline: what "blocking" means here
        self._want = self._have = sock.gettimeout()

    def setblocking(self, flag: bool) -> None:
        self._want = self.deadline if flag else 0.0

    def settimeout(self, value: float | None) -> None:
        self._want = value

    def gettimeout(self) -> float | None:
        return self._want

    def _timed(self) -> socket.socket:
        if self._want != self._have:
            self._sock.settimeout(self._want)
            self._have = self._want
        return self._sock

    def recv(self, size: int, flags: int = 0) -> bytes:
        return self._timed().recv(size, flags)

    def recv_into(self, buffer: Any, size: int = 0, flags: int = 0) -> int:
        return self._timed().recv_into(buffer, size, flags)

    def send(self, data: Any, flags: int = 0) -> int:
        return self._timed().send(data, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._timed().sendall(data, flags)

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        return self._timed().sendfile(file, offset, count)

    @property
    def raw(self) -> socket.socket:
        return self._sock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Conn(gthread.TConn):  # type: ignore[misc]
    def __init__(self, worker: ThreadWorker, sock: socket.socket, client: Any, server: Any) -> None:
        # TLS needs the real socket to wrap: with a certificate configured, gthread's own
        # ways stand (no deadline, and a blocking close).
        self.plain = not worker.cfg.is_ssl
        if worker.timeout_s > 0 and self.plain:
            sock = _ClientSocket(sock, worker.timeout_s)  # type: ignore[assignment]
        super().__init__(worker.cfg, sock, client, server)
        self.worker = worker
        self.leaving = False  # told to close after the request it is on
        self.drained = 0

    def close(self, graceful: bool = False) -> None:
        if graceful and self.plain:
            self.worker.linger(self)
        else:
            super().close(graceful)


class ThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]
    timeout_s = float(Settings.from_env().client_timeout)
    slot: int | None = None  # given by the pre_fork hook; without it, gthread's race decides

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaving = 0  # connections told to close after the request they are on
        self.lingering: dict[_Conn, float] = {}  # closing connections, by deadline
        self.ready: deque[_Conn] = deque()  # connections with a request waiting, in order
        self.last_beat = -math.inf

    def notify(self) -> None:
        # gthread's loop beats once per round of events (thousands a second under load), each
        # beat a system call; the arbiter needs one within its timeout.
        now = time.monotonic()
        if now - self.last_beat >= min(1.0, self.timeout / 2):
            self.last_beat = now
            super().notify()

    def accept(self, listener: socket.socket) -> None:
        # gthread's accept, with the connection class above.
        try:
            sock, client = listener.accept()
            self.nr_conns += 1
            conn = _Conn(self, sock, client, listener.getsockname())
            # The first request is waited for in the poller, as the next ones are: no thread
            # is held by a client that has not sent anything yet.
            conn.timeout = time.monotonic() + self.cfg.keepalive
            self.pending_conns.append(conn)
            self.poller.register(
                conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
            )
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # gthread's main loop passes here once per round of events.
        now = time.monotonic()
        while self.lingering:
            conn, deadline = next(iter(self.lingering.items()))
            if deadline > now:
                timeout = min(timeout, deadline - now)
                break
            self._closed(conn)
        if self.slot is not None:
            _held[self.slot] = self.held if self.alive else _FREE
            if self.alive:
                self.set_accept_enabled(self.nr_conns < self.worker_connections)
                if not self._accepting:
                    timeout = min(timeout, _RECHECK_S)
        if self.ready:
            timeout = 0.0
        super().wait_for_and_dispatch_events(timeout)
        self.answer_ready()

    # Requests answered on the loop's thread (4.)

    def on_client_socket_readable(self, conn: _Conn, client: Any) -> None:
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.ready.append(conn)

    def on_pending_socket_readable(self, conn: _Conn, client: Any) -> None:
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        conn.data_ready = True
        self.ready.append(conn)

    def answer_ready(self) -> None:
        """Answer the connections whose request is waiting, oldest first, until the round's
        time is up; the rest wait for the next round."""
        deadline = time.monotonic() + _INLINE_ROUND_S
        while self.ready and time.monotonic() < deadline:
            self.enqueue_req(self.ready.popleft())

    def inline(self, conn: _Conn) -> bool:
        """Whether the whole of conn's next request is in the socket's buffer, small enough to
        answer here: reading it cannot block, and answering it is quick."""
        if not isinstance(conn.sock, _ClientSocket) or conn.is_http2:
            return False  # TLS, HTTP/2, or no deadline on writes: the thread pool's way
        if conn.parser is not None and conn.parser.unreader.buf.tell():
            return False  # read ahead into the parser's buffer: the socket does not show it
        try:
            # On the socket itself: MSG_DONTWAIT needs no timeout set (a system call).
            data = conn.sock.raw.recv(_INLINE_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except OSError:
            return False
        head = data.find(b"\r\n\r\n")
        lines = data[:head].split(b"\r\n")
        if head < 0 or not lines[0].endswith((b" HTTP/1.1", b" HTTP/1.0")):
            return False  # incomplete, or not HTTP/1 (an HTTP/2 preface stays off the loop)
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                if not value.strip().isdigit():
                    return False
                length = int(value)
            elif name in (b"transfer-encoding", b"expect", b"upgrade"):
                return False
        return len(data) >= head + 4 + length

    # Lingering close (2.)

    def linger(self, conn: _Conn) -> None:
        """Close after the answer: send FIN now, read what the client still sends until it
        closes its end too (or the time or byte budget runs out), then close. Closing at once
        would answer those bytes with a reset, which can destroy the answer before the client
        has read it."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._drain, conn))
        except (OSError, ValueError, KeyError):
            util.close(conn.sock)
            return
        self.lingering[conn] = time.monotonic() + _LINGER_S

    def _drain(self, conn: _Conn, sock: Any) -> None:
        try:
            data = sock.recv(_LINGER_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        conn.drained += len(data)
        if not data or conn.drained >= _LINGER_BYTES:
            self._closed(conn)

    def _closed(self, conn: _Conn) -> None:
        del self.lingering[conn]
        with contextlib.suppress(OSError, ValueError, KeyError):
            self.poller.unregister(conn.sock)
        util.close(conn.sock)

    # Least connections (3.)

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

    def set_accept_enabled(self, enabled: bool) -> None:
        fewest = self.fewest_elsewhere()
        super().set_accept_enabled(enabled and (fewest is None or fewest >= self.held))

    def enqueue_req(self, conn: _Conn) -> None:
        # Every connection, new or kept alive, passes here before a thread reads from it.
        # Accepting evenly is not enough: a worker that restarts (max_requests, a crash) comes
        # back with none, while its sibling keeps every client that reconnected meanwhile. A
        # worker two or more connections above a sibling answers the next request on one of
        # its kept-alive connections with "Connection: close"; the client reconnects, and the
        # sibling accepts. Only a connection that has served a request is chosen: it has a
        # request ready, so it is closed after that one (a new one might wait for data).
        if conn.initialized and not conn.leaving:
            fewest = self.fewest_elsewhere()
            if fewest is not None and self.held - fewest >= 2:
                conn.leaving = True
                self.leaving += 1
        if self.inline(conn):
            sock = conn.sock
            sock.deadline = min(sock.deadline, _INLINE_WRITE_S)
            done: futures.Future[Any] = futures.Future()
            try:
                done.set_result(self.handle(conn))
            finally:
                sock.deadline = self.timeout_s
            self.finish_request(conn, done)
        else:
            super().enqueue_req(conn)

    def handle_request(self, req: Any, conn: _Conn) -> bool:
        if conn.leaving:
            req.must_close = True
        return bool(super().handle_request(req, conn))

    def finish_request(self, conn: _Conn, fs: Any) -> None:
        before = self.nr_conns
        super().finish_request(conn, fs)
        if conn.leaving and self.nr_conns < before:
            self.leaving -= 1
