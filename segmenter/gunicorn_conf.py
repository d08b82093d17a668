"""gunicorn configuration for the service: `gunicorn -c python:segmenter.gunicorn_conf
"segmenter.web:create_app()"`. Values come from SEGMENTER_* variables (segmenter.config)."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from segmenter.config import Settings
from segmenter.worker import claim_slot, release_slot

_settings = Settings.from_env()

# Metrics from every worker are aggregated through files in this directory; it must exist
# before the app (and prometheus_client) is imported, which preload_app does next.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="segmenter-metrics-")

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
# The work is CPU-bound: processes give the parallelism. Each worker answers small, fully
# arrived requests on its event loop; two pool threads take the rest, so that a slow client
# holds a thread, not the worker, and the deadline on client sockets keeps a few stalled
# clients from holding all the threads (segmenter.worker).
worker_class = "segmenter.worker.ThreadWorker"
threads = _settings.threads
# Load rules and language profiles once in the master; workers fork with them in memory.
preload_app = True
timeout = _settings.timeout
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that no slow leak can grow without bound.
max_requests = _settings.max_requests
max_requests_jitter = _settings.max_requests // 10
# The heartbeat file on tmpfs: a slow or full disk must not get healthy workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
loglevel = _settings.log_level
# At thousands of requests a second the access log costs a few per cent of a request's CPU
# time and floods the log store; /metrics counts requests and latency either way. Its lines
# are JSON objects (segmenter.accesslog), unless --access-logformat asks for another format.
accesslog = "-" if _settings.access_log else None
errorlog = "-"
logger_class = "segmenter.accesslog.JsonAccessLogger"
# Reject absurd request lines and headers early; bodies are limited by the app.
limit_request_line = 8190
limit_request_fields = 100


def pre_fork(server: Any, worker: Any) -> None:
    """Each worker gets a slot to publish its connection count in (segmenter.worker)."""
    claim_slot(server, worker)


def child_exit(server: Any, worker: Any) -> None:
    """A dead worker's metric files are marked so its live gauges stop counting, and its
    connection count no longer draws new connections."""
    from prometheus_client import multiprocess

    release_slot(worker)
    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
