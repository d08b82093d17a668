"""The access log: one JSON object a request on stdout, written by the app (`web.finish`).

granian's own access log formats a line from a template, which cannot escape a quote in a
path; json.dumps can, so a hostile path cannot break the line or forge another. Answers the
server gives itself (a malformed request line, headers that never arrived) never reach the
app and are not in this log.
"""

from __future__ import annotations

import json
import logging
import sys

log = logging.getLogger("segmenter.access")


def configure(enabled: bool) -> None:
    """Access lines to stdout, unformatted (each is already a JSON object), or nowhere."""
    log.propagate = False
    log.handlers.clear()
    if enabled:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    else:
        log.setLevel(logging.CRITICAL + 1)


def write(
    remote: str | None,
    method: str,
    path: str,
    status: int,
    size: int | None,
    seconds: float,
    request_id: str | None,
) -> None:
    """One access line, when the log is on (nothing is formatted otherwise)."""
    if not log.isEnabledFor(logging.INFO):
        return
    fields = {
        "event": "access",
        "remote": remote or "-",
        "method": method,
        "path": path,
        "status": status,
        "bytes": size,
        "ms": round(seconds * 1000, 2),
        "request_id": request_id,
    }
    log.info(json.dumps(fields, ensure_ascii=False))
