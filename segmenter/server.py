"""How the service is served: granian (a Rust HTTP server, hyper underneath) runs the WSGI app
of `segmenter.web` in worker processes, configured from SEGMENTER_* settings. Nothing here
touches the server's internals: every value below is one of granian's documented options.

    python -m segmenter.server      # what `segmenter serve` and the Docker image run

Why granian, and the measurements behind the choice: docs/service.md.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from .config import Settings

# granian's own defaults, kept explicit where a probe depends on them.
# backpressure: requests one worker takes on at once (each on a Python thread); past it the
# worker stops accepting and the kernel queue or the sibling worker holds new connections.
# 64 covers the load test's 64 connections on one worker and 16 slowloris connections
# besides (issue 18's probe); granian's default (backlog / workers, 512) gave the same
# figures here but lets a flood of slow bodies start 256 threads a worker.
BACKPRESSURE = 128
BLOCKING_THREADS = 64
# A SIGKILLed worker is replaced at once (granian waits `respawn_interval` only when it
# replaces a live worker, for RSS or lifetime, so that the new one is up before the old stops).
RESPAWN_INTERVAL_S = 1.0


def granian_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of `granian.Granian` for these settings."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    return {
        "target": "segmenter.web:create_app",
        "factory": True,
        "interface": Interfaces.WSGI,
        "address": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "http": HTTPModes.http1,
        "websockets": False,
        "backpressure": BACKPRESSURE,
        "blocking_threads": BLOCKING_THREADS,
        "http1_settings": HTTP1Settings(
            # The whole of a request's headers must arrive within this time, however it
            # trickles in (granian's limit is 60 s); the body is the app's (web._read_body).
            header_read_timeout=max(1, min(settings.client_timeout, 60)) * 1000,
            keep_alive=settings.keepalive,
        ),
        "respawn_failed_workers": True,
        "respawn_interval": RESPAWN_INTERVAL_S,
        "workers_max_rss": settings.max_rss or None,
        # granian samples RSS every 30 s by default: a leak is caught within a minute.
        "workers_lifetime": settings.lifetime or None,
        # SIGTERM: a worker finishes its requests in flight, for at most this long.
        "workers_kill_timeout": 30,
        "log_level": settings.log_level,
        # The access line is the app's (segmenter.accesslog): JSON, with the request id.
        "log_access": False,
    }


def main() -> None:
    from granian import Granian

    settings = Settings.from_env()
    # The workers' metric files (prometheus_client's multiprocess mode): /metrics of any
    # worker then counts the requests of all of them, those of replaced workers included.
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    directory = given or tempfile.mkdtemp(prefix="segmenter-metrics-")
    if given:
        # Files of an earlier run would be summed into this run's counters.
        for name in os.listdir(given):
            if name.endswith(".db"):
                os.unlink(os.path.join(given, name))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    try:
        Granian(**granian_options(settings)).serve()
    finally:
        if not given:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
