"""Service settings from environment variables, all under one prefix (12-factor style).

| variable                     | default  | meaning                                         |
| ---------------------------- | -------- | ----------------------------------------------- |
| SEGMENTER_MAX_BYTES          | 10485760 | largest request body (after gunzip), bytes      |
| SEGMENTER_MAX_LINES          | 20000    | most lines in one document (blank ones count)   |
| SEGMENTER_BATCH_LIMIT        | 100      | most documents in one POST /segment/batch       |
| SEGMENTER_HOST               | 0.0.0.0  | address gunicorn binds                          |
| SEGMENTER_PORT               | 8000     | port gunicorn binds                             |
| SEGMENTER_WORKERS            | CPUs     | gunicorn worker processes (at least 2)          |
| SEGMENTER_THREADS            | 2        | pool threads per worker (segmenter.worker)      |
| SEGMENTER_TIMEOUT            | 30       | seconds before a stuck worker is restarted      |
| SEGMENTER_CLIENT_TIMEOUT     | 10       | seconds a client may stall mid-request (0: off) |
| SEGMENTER_MAX_REQUESTS       | 10000    | requests before a worker is recycled (0: never) |
| SEGMENTER_LOG_LEVEL          | info     | debug, info, warning, error                     |
| SEGMENTER_ACCESS_LOG         | 1        | one JSON line a request on stdout (0: none)     |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from .options import Options

PREFIX = "SEGMENTER_"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class Settings:
    max_bytes: int = 10 * 1024 * 1024
    max_lines: int = Options().max_lines
    batch_limit: int = 100
    host: str = "0.0.0.0"
    port: int = 8000
    workers: int = max(2, os.cpu_count() or 1)
    threads: int = 2
    timeout: int = 30
    client_timeout: int = 10
    max_requests: int = 10_000
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
