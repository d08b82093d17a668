"""Prometheus metrics. Under `segmenter serve`, PROMETHEUS_MULTIPROC_DIR (set by segmenter.server)
makes every worker write its samples to files that /metrics aggregates."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "segmenter_requests_total", "HTTP requests by route and status", ["route", "status"]
)
LATENCY = Histogram(
    "segmenter_request_seconds",
    "HTTP request latency",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
DOC_BYTES = Histogram(
    "segmenter_document_bytes",
    "Size of the documents segmented",
    buckets=(1_000, 5_000, 20_000, 100_000, 500_000, 2_000_000, 10_000_000),
)
REMOVED = Counter("segmenter_removed_lines_total", "Lines removed, by reason", ["reason"])


def render() -> tuple[bytes, str]:
    """The exposition text, aggregated across workers when running multi-process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
