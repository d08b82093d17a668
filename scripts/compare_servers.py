#!/usr/bin/env python3
"""Issue 18's probes and a short wrk run against the app under several servers, one row each:
the measurements behind docs/service.md's choice of server.

    python scripts/compare_servers.py [--servers granian,gunicorn,waitress,nginx] [--seconds 10]

granian is `segmenter serve` as shipped. The others are measured as one would deploy them,
each with the same app (segmenter.web:create_app, so the app's own fixes, such as draining
an oversize body, apply to all): gunicorn's stock gthread worker (`pip install gunicorn`),
waitress (`pip install waitress`), and nginx in front of stock gthread (`apt-get install
nginx`). Every server listens on 127.0.0.1 on a free port; every probe is bounded in time.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

import probes  # noqa: E402
from loadtest import lua_script, page_texts, run_wrk  # noqa: E402

from segmenter.localserver import free_port, running, serving  # noqa: E402

APP = "segmenter.web:create_app"
NGINX_CONF = """daemon off; worker_processes 1; pid {tmp}/nginx.pid; error_log stderr error;
user root;
events {{ worker_connections 1024; }}
http {{
  access_log off; client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  client_max_body_size 10m; client_body_timeout 10s; client_header_timeout 10s;
  upstream app {{ server 127.0.0.1:{upstream}; keepalive 16; }}
  server {{ listen 127.0.0.1:{port};
    location / {{ proxy_pass http://app; proxy_http_version 1.1;
                 proxy_set_header Connection ""; proxy_request_buffering on; }} }}
}}
"""


def _process(cmd: list[str], base: str) -> contextlib.AbstractContextManager[Any]:
    metrics = tempfile.mkdtemp(prefix="compare-metrics-")
    env = {"SEGMENTER_ACCESS_LOG": "0", "PROMETHEUS_MULTIPROC_DIR": metrics}
    return serving(cmd, base, env)


def _gthread(port: int) -> list[str]:
    """Stock gthread, 2 workers of 2 threads, as the custom worker ran."""
    cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "2"]
    return [*cmd, "--preload", "-b", f"127.0.0.1:{port}", "--no-control-socket", f"{APP}()"]


@contextlib.contextmanager
def server(name: str) -> Iterator[tuple[str, int | None]]:
    """(base URL, pid whose children are the app's workers, or None for one process)."""
    if name == "granian":
        with running(workers=2, env={"SEGMENTER_ACCESS_LOG": "0"}) as s:
            yield s.base, s.pid
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if name == "gunicorn":
        with _process(_gthread(port), base) as proc:
            yield base, proc.pid
    elif name == "waitress":
        cmd = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=4"]
        with _process([*cmd, "--call", APP], base) as proc:
            yield base, None
    elif name == "nginx":
        upstream = free_port()
        with tempfile.TemporaryDirectory() as tmp:
            conf = Path(tmp) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, upstream=upstream))
            with (
                _process(_gthread(upstream), f"http://127.0.0.1:{upstream}") as app,
                _process(["nginx", "-c", str(conf)], base),
            ):
                yield base, app.pid
    else:
        raise SystemExit(f"unknown server {name!r}")


def stopped_worker(base: str, master: int | None) -> str:
    """One worker SIGSTOPped for the probe: of 20 new connections, how many got /healthz
    within a second."""
    if master is None:
        return "n/a (one process)"
    pids = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    victim = int(pids.split()[0])
    os.kill(victim, signal.SIGSTOP)
    served = 0
    try:
        for _ in range(20):
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection(*probes.address(base), timeout=1)
                conn.request("GET", "/healthz")
                served += conn.getresponse().status == 200
                conn.close()
    finally:
        os.kill(victim, signal.SIGCONT)
    return f"{served}/20"


def row(name: str, seconds: int) -> dict[str, str]:
    head = b"POST /segment HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
    with server(name) as (base, master):
        result: dict[str, str] = {"server": name}
        with probes.slowloris(base, clients=8, seconds=20):
            took = [probes.timed_post(base) for _ in range(3)]
        result["slowloris: normal POST, worst"] = f"{max(took):.2f} s"
        with probes.stalled_bodies(base, clients=200):
            try:
                result["200 stalled bodies: normal POST"] = (
                    f"{probes.timed_post(base, limit_s=10):.2f} s"
                )
            except (OSError, AssertionError) as exc:  # no answer, or not a 200
                result["200 stalled bodies: normal POST"] = type(exc).__name__
        seen = probes.oversize(base)
        result["11 MiB: urllib / http.client"] = f"{seen['urllib']} / {seen['http.client']}"
        cut = head + b"Content-Length: 1000\r\n\r\n" + b"x" * 84
        answer = probes.raw(base, cut, half_close=True, limit_s=5)
        result["CL 1000, 84 sent"] = str(probes.status_of(answer) or "closed")
        bad = head + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
        result["chunk size zz"] = str(probes.status_of(probes.raw(base, bad, limit_s=5)))
        result["unread answers: /healthz"] = probes.summary(probes.unread_answers(base))
        result["one worker stopped"] = stopped_worker(base, master)
        with tempfile.TemporaryDirectory() as tmp:
            lua = Path(tmp) / "seeds.lua"
            lua_script(lua, page_texts("seeds"))
            run_wrk(base + "/segment", lua, 3, 64)  # warm
            load = run_wrk(base + "/segment", lua, seconds, 64)
        result["wrk 64 conns"] = (
            f"{load['rps']:.0f} req/s, p99 {load['p99_ms']:.0f} ms, errors {load['errors']:.0f}"
        )
        return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--servers", default="granian,gunicorn,waitress,nginx")
    ap.add_argument("--seconds", type=int, default=10)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    rows = [row(name, args.seconds) for name in args.servers.split(",")]
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))
    for r in rows:
        print("| " + " | ".join(r.get(c, "") for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
