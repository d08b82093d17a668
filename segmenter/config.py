"""Service settings from environment variables, all under one prefix (12-factor style).

| variable                  | default  | meaning                                            |
| ------------------------- | -------- | -------------------------------------------------- |
| SEGMENTER_MAX_BYTES       | 10485760 | largest request body (after gunzip), bytes         |
| SEGMENTER_MAX_LINES       | 20000    | most lines in one document (blank ones count)      |
| SEGMENTER_BATCH_LIMIT     | 100      | most documents in one POST /segment/batch          |
| SEGMENTER_BATCH_MAX_LINES | 100000   | most lines in all documents of one batch           |
| SEGMENTER_BUDGET          | 5        | CPU seconds one request may use, then 503 (0: off) |
| SEGMENTER_DRAIN_BYTES     | 67108864 | body bytes read and dropped to deliver a 413       |
| SEGMENTER_HOST            | 0.0.0.0  | address the server binds                           |
| SEGMENTER_PORT            | 8000     | port the server binds                              |
| SEGMENTER_WORKERS         | CPUs     | worker processes (the cgroup's CPU quota, >= 2)    |
| SEGMENTER_THREADS         | 0        | Python threads a worker (0: granian's default)     |
| SEGMENTER_CLIENT_TIMEOUT  | 10       | seconds a client has to send its headers (<= 60)   |
| SEGMENTER_KEEPALIVE       | 1        | HTTP/1.1 keep-alive (0: close after each answer)   |
| SEGMENTER_MAX_RSS         | 1024     | MiB of RSS past which a worker is replaced (0: no) |
| SEGMENTER_LIFETIME        | 0        | seconds before a worker is replaced (0: never)     |
| SEGMENTER_LOG_LEVEL       | info     | debug, info, warning, error                        |
| SEGMENTER_ACCESS_LOG      | 1        | one JSON line a request on stdout (0: none)        |

How each maps onto the server's own settings: `segmenter.server` and docs/service.md.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from .options import Options

PREFIX = "SEGMENTER_"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
CGROUP = Path("/sys/fs/cgroup")


def available_cpus(cgroup: Path = CGROUP) -> int:
    """The CPUs this process may use: its affinity mask, capped by the cgroup's CPU quota
    (`cpu.max` in cgroup v2, `cpu.cfs_quota_us` / `cpu.cfs_period_us` in v1), rounded up.
    A container limited to 2 CPUs on a 64-core host sees 64 cores in os.cpu_count(); 64
    CPU-bound workers there are throttled in turn and each holds its own copy of the rules."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    quota = _cgroup_quota(cgroup)
    if quota is not None:
        return max(1, min(cpus or 1, math.ceil(quota)))
    return cpus or 1


def _cgroup_quota(cgroup: Path) -> float | None:
    """CPUs the quota allows, or None when there is no quota (or no cgroup file to read)."""
    try:
        limit, period = (cgroup / "cpu.max").read_text().split()[:2]
        return None if limit == "max" else int(limit) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota_us = int((cgroup / "cpu/cpu.cfs_quota_us").read_text())
        period_us = int((cgroup / "cpu/cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return None if quota_us <= 0 or period_us <= 0 else quota_us / period_us


def default_workers() -> int:
    # At least 2: one worker busy with a long request (up to the budget) leaves the other to
    # answer, and a worker being replaced leaves one serving.
    return max(2, available_cpus())


@dataclass(frozen=True, slots=True)
class Settings:
    max_bytes: int = 10 * 1024 * 1024
    max_lines: int = Options().max_lines
    batch_limit: int = 100
    # A batch's cost is per line, whatever its count of documents: 100 documents of 20,000
    # lines of URLs took 30-150 s. 100,000 lines is five documents at the line limit, or 100
    # pages of 1,000 lines (the dev set's longest page has 2,199).
    batch_max_lines: int = 100_000
    # CPU seconds: a page of the dev set costs 1.3 ms, the worst page the line limit admits
    # (20,000 lines of URLs) 1.2-3 s, so 5 s is only ever reached by a batch.
    budget: int = 5
    drain_bytes: int = 64 * 1024 * 1024
    host: str = "0.0.0.0"
    port: int = 8000
    workers: int = field(default_factory=default_workers)
    # 0: granian's default for WSGI, backlog / workers / 2 (256 with 2 workers). A client
    # stalled in its body holds one of them until it closes (segmenter/server.py).
    threads: int = 0
    client_timeout: int = 10
    keepalive: bool = True
    max_rss: int = 1024
    lifetime: int = 0
    log_level: str = "info"
    access_log: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from SEGMENTER_* variables; ValueError names a malformed one."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            if f.type == "bool":
                if raw.lower() not in _TRUE + _FALSE:
                    raise ValueError(f"{PREFIX}{f.name.upper()} must be 1 or 0 (true or false)")
                values[f.name] = raw.lower() in _TRUE
            elif f.type == "int":
                try:
                    number = int(raw)
                except ValueError as exc:
                    raise ValueError(f"{PREFIX}{f.name.upper()} must be an integer") from exc
                if number < 0:
                    raise ValueError(f"{PREFIX}{f.name.upper()} must not be negative")
                values[f.name] = number
            else:
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]
