"""gunicorn's threaded worker, with a deadline on every read and write of a client socket.

gunicorn's gthread worker reads a request's headers and body with blocking calls and no
timeout: a client that sends half a request and stalls holds a worker thread for as long as it
keeps the connection open, and a handful of such clients (two threads per worker) stop the
service. gunicorn leaves this to a buffering proxy in front; a container in an ingest pipeline
often has none. Here "blocking" means "blocking for at most SEGMENTER_CLIENT_TIMEOUT seconds":
a stalled client then costs a thread for that long, and its connection is closed (a 408
problem when the body was being read, see `web._read_body`).

Used by the packaged configuration (`gunicorn_conf.worker_class`).
"""

from __future__ import annotations

import socket
from typing import Any

from gunicorn.workers import gthread

from .config import Settings


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

    def enqueue_req(self, conn: Any) -> None:
        # Every connection, new or kept alive, passes here before a thread reads from it. TLS
        # needs the real socket to wrap: with a certificate configured, gthread's own ways
        # stand.
        wrap = self.timeout_s > 0 and not self.cfg.is_ssl
        if wrap and not isinstance(conn.sock, _ClientSocket):
            conn.sock = _ClientSocket(conn.sock, self.timeout_s)
        super().enqueue_req(conn)
