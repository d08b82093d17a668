#!/usr/bin/env python3
"""Load, memory and fault test of the service on loopback (needs `wrk`: apt-get install wrk).

    python scripts/loadtest.py [--seconds 60] [--connections 64] [--requests 100000]
                               [--pages mix|seeds|dev]

1. starts `segmenter serve` (granian, the project's defaults, 2 workers) on a free
   127.0.0.1 port;
2. wrk POSTs a mix of real page texts (the seeds and tests/fixtures/pages, the seeds alone,
   or the ~300 seed-sized pages of ../shared/eval/dev.jsonl.gz, from many sites; all of them
   cycle, so after the first round the service has memoised their lines, which a real feed
   repeats far less: `segmenter bench` on new pages gives that cost) for --seconds at
   --connections, then more until --requests in all;
   prints req/s, p50/p99 and errors, and the CPU time a request costs the service and wrk:
   on a shared machine latency varies from run to run, CPU per request much less;
3. RSS of each worker before and after, and its growth;
4. fault: kills one worker with SIGKILL under load, waits for granian to replace it, then
   runs wrk again and requires zero errors after the restart.
Every request goes to 127.0.0.1; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from segmenter.localserver import running

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl.gz"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU time of this script's finished children: the wrk runs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def page_texts(kind: str) -> list[str]:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    if kind == "dev":
        return dev_pages()
    paths = (
        seeds if kind == "seeds" else seeds + sorted((ROOT / "tests/fixtures/pages").glob("*.txt"))
    )
    return [p.read_text(encoding="utf-8") for p in paths]


def dev_pages() -> list[str]:
    """The pages of seed size (3-8 KB) in the shared eval data, read where it lies, never
    copied into the project."""
    from segmenter.evaluate import read_jsonl

    if not DEV.exists():
        sys.exit(f"--pages dev needs {DEV}")
    texts = [r["text"] for r in read_jsonl(str(DEV)) if isinstance(r.get("text"), str)]
    return [t for t in texts if 3000 <= len(t.encode("utf-8")) <= 8000 and "]==]" not in t]


def lua_script(path: Path, bodies: list[str], fresh: bool = False) -> None:
    """wrk's script: the bodies in turn. `fresh`: every line of every request ends in a number
    of its own, so that no line was ever seen before (a feed of new pages: nothing memoised
    helps, and the memos fill up)."""
    entries = ",\n".join(f"[==[{b}]==]" for b in bodies)
    body = (
        '(string.gsub(bodies[i], "\\n", " " .. math.random(1e9) .. "\\n"))'
        if fresh
        else "bodies[i]"
    )
    path.write_text(
        "local bodies = {\n" + entries + "\n}\n"
        "local i = 0\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "text/plain; charset=utf-8"\n'
        "init = function(args) math.randomseed(os.time() + math.floor(os.clock() * 1e6)) end\n"
        "request = function()\n"
        "  i = i % #bodies + 1\n"
        f'  return wrk.format("POST", "/segment", nil, {body})\n'
        "end\n",
        encoding="utf-8",
    )


def run_wrk(url: str, lua: Path, seconds: int, connections: int) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(lua), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    total = re.search(r"(\d+) requests in", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": float(total.group(1)) if total else 0.0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "errors": float(non2xx.group(1) if non2xx else 0)
        + (sum(float(x) for x in sock.groups()) if sock else 0.0),
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--pages",
        choices=("mix", "seeds", "dev"),
        default="mix",
        help="mix: the seeds and the test fixtures (mean 1.5 KB); seeds: the two seed pages "
        "only (mean 5.0 KB); dev: the 3-8 KB pages of ../shared/eval/dev.jsonl.gz (303, mean "
        "5.7 KB)",
    )
    ap.add_argument(
        "--fresh",
        action="store_true",
        help="end every line of every request in a random number: no line repeats, so the "
        "cost and memory are those of a feed of new pages",
    )
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    # No replacing during the run, so RSS before and after belongs to the same worker.
    env = {"SEGMENTER_MAX_RSS": "0", "SEGMENTER_LIFETIME": "0"}
    with running(workers=args.workers, env=env) as server:
        base = server.base
        with tempfile.TemporaryDirectory() as tmp:
            lua = Path(tmp) / "mix.lua"
            pages = page_texts(args.pages)
            lua_script(lua, pages, args.fresh)
            size = sum(len(p.encode("utf-8")) for p in pages) / len(pages) / 1000
            # Warm every worker at full concurrency, so that RSS "before" is its working size.
            run_wrk(base + "/segment", lua, 5, args.connections)
            before = {pid: rss_kb(pid) for pid in workers(server.pid)}
            # CPU per request does not depend on what else shares the machine, unlike latency.
            served_cpu = sum(cpu_seconds(pid) for pid in before)
            loader_cpu = children_cpu()
            main_run = run_wrk(base + "/segment", lua, args.seconds, args.connections)
            served_cpu = sum(cpu_seconds(pid) for pid in before) - served_cpu
            loader_cpu = children_cpu() - loader_cpu
            total, extra_runs = main_run["requests"], 0
            # RSS after each run: a plateau is a working set, a steady climb a leak.
            series = [(total, sum(rss_kb(pid) for pid in before))]
            deadline = time.monotonic() + 10 * args.seconds
            while total < args.requests and time.monotonic() < deadline:
                more = run_wrk(base + "/segment", lua, 15, args.connections)
                total += more["requests"]
                main_run["errors"] += more["errors"]
                extra_runs += 1
                series.append(
                    (total, sum(rss_kb(pid) for pid in before if Path(f"/proc/{pid}").exists()))
                )
            after = {pid: rss_kb(pid) for pid in workers(server.pid)}
            print(
                f"load: {args.seconds} s at {args.connections} connections, "
                f"{args.workers} workers, {args.pages} pages ({len(pages)}, mean {size:.1f} KB)"
            )
            print(
                f"  requests/s {main_run['rps']:.0f}  p50 {main_run['p50_ms']:.1f} ms  "
                f"p99 {main_run['p99_ms']:.1f} ms  errors {main_run['errors']:.0f}  "
                f"(total requests {total:.0f})"
            )
            served, loaded = served_cpu / main_run["requests"], loader_cpu / main_run["requests"]
            cores = os.cpu_count() or 1
            print(
                f"  CPU a request: service {served * 1000:.2f} ms, wrk {loaded * 1000:.2f} ms; "
                f"{cores} cores allow at most {cores / (served + loaded):.0f} requests/s, and "
                f"{args.connections} connections need {args.connections / 0.05:.0f} requests/s "
                "for a mean latency of 50 ms"
            )
            for pid in sorted(set(before) & set(after)):
                growth = (after[pid] - before[pid]) / before[pid] * 100 if before[pid] else 0
                print(
                    f"  worker {pid}: RSS {before[pid] / 1024:.1f} MB -> "
                    f"{after[pid] / 1024:.1f} MB ({growth:+.1f} %)"
                )
            print(
                "  RSS of all workers by requests served: "
                + ", ".join(f"{n / 1000:.0f}k {kb / 1024:.0f} MB" for n, kb in series)
            )
            if set(before) != set(after):
                print("  (workers were replaced during the run)")

            # Fault: kill a worker under load; after its replacement is up, nothing may fail.
            victims = workers(server.pid)
            loader = subprocess.Popen(
                ["wrk", "-t2", f"-c{args.connections}", "-d8s", "-s", str(lua), base + "/segment"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(2)
            try:
                os.kill(victims[0], signal.SIGKILL)
            except ProcessLookupError:
                print("fault: the worker was already gone", file=sys.stderr)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                now = workers(server.pid)
                if len(now) == args.workers and victims[0] not in now:
                    break
                time.sleep(0.2)
            loader.wait(timeout=60)
            after_restart = run_wrk(base + "/segment", lua, 10, args.connections)
            replaced = victims[0] not in workers(server.pid)
            print(
                f"fault: killed worker {victims[0]}, replaced={replaced}; after the restart "
                f"{after_restart['requests']:.0f} requests, errors {after_restart['errors']:.0f}"
            )
            ok = main_run["errors"] == 0 and after_restart["errors"] == 0 and replaced
            return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
