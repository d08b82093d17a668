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

# blocking_threads: Python threads a worker runs the app on; backpressure: requests a worker
# takes on at once (the rest wait in the kernel's queue). granian calls the app as soon as a
# request's headers are in, and the app reads the body on its thread: granian's WSGI input
# has no read deadline and no way to give it one (a read blocks in Rust until the bytes asked
# for, the end or an error), so a client that stalls in its body holds a thread until it
# closes. The threads of all workers are the number of stalled clients that stop the service:
# with granian's defaults for WSGI (backpressure = backlog / workers, 512 with 2 workers, and
# half as many threads, 256), 500 stalled bodies left a normal POST at 0.00-0.01 s and 600
# stopped it (5 s timeout); with 64 threads a worker, 160 did. SEGMENTER_THREADS raises the
# bound (backpressure follows at twice the threads, granian's own ratio); threads wait on a
# client without the GIL and idle ones exit after 30 s. The cost: each may hold a body of up
# to SEGMENTER_MAX_BYTES. wrk, 64 connections, the seed pages, 15 s each (shared machine,
# load 15-20): 64/128 787 req/s, p99 335 ms; 256/512 848 req/s, p99 263 ms.
BACKLOG = 1024  # granian's default, explicit: its default backpressure is derived from it


def thread_options(settings: Settings) -> tuple[int | None, int | None]:
    """(backpressure, blocking_threads) for granian: None leaves granian's default."""
    if not settings.threads:
        return None, None
    return max(2 * settings.threads, BACKLOG // max(1, settings.workers)), settings.threads


def granian_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of `granian.Granian` for these settings."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    backpressure, blocking_threads = thread_options(settings)
    return {
        "target": "segmenter.web:create_app",
        "factory": True,
        "interface": Interfaces.WSGI,
        "address": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "http": HTTPModes.http1,
        "websockets": False,
        "backlog": BACKLOG,
        "backpressure": backpressure,
        "blocking_threads": blocking_threads,
        "http1_settings": HTTP1Settings(
            # The whole of a request's headers must arrive within this time, however they
            # trickle in. granian allows 1-60 s: 0 ("no deadline") is its longest, 60 s. A
            # body has no deadline: docs/service.md.
            header_read_timeout=min(settings.client_timeout or 60, 60) * 1000,
            keep_alive=settings.keepalive,
        ),
        # A dead worker (SIGKILL, OOM) is replaced at once. A live one replaced for its RSS or
        # lifetime stops granian's `respawn_interval` (3.5 s) after its successor starts, and
        # a worker takes 1.9-2.2 s here to import and warm up: the default leaves it time.
        "respawn_failed_workers": True,
        # granian samples RSS every 30 s by default: a leak is caught within a minute.
        "workers_max_rss": settings.max_rss or None,
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
