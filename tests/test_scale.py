"""Batch on every core and on Dask gives the same results as one process, in input order."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, SEEDS

PAGES = sorted(SEEDS.glob("*.txt")) + sorted((FIXTURES / "pages").glob("*.txt"))


def write_input(path: Path, copies: int = 1) -> list[str]:
    ids = []
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as f:  # type: ignore[operator]
        for c in range(copies):
            for p in PAGES:
                rid = f"{p.stem}-{c}"
                ids.append(rid)
                f.write(json.dumps({"id": rid, "text": p.read_text(encoding="utf-8")}) + "\n")
    return ids


def batch(*args: str) -> subprocess.CompletedProcess[bytes]:
    cmd = [sys.executable, "-m", "segmenter.cli", "batch", *args]
    return subprocess.run(cmd, capture_output=True, timeout=300)


def read_out(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        return [json.loads(line) for line in f]


def test_jobs_give_the_same_output_in_order(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl.gz"
    ids = write_input(src, copies=3)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl.gz"
    assert batch(str(src), "-o", str(one), "--jobs", "1").returncode == 0
    assert batch(str(src), "-o", str(two), "--jobs", "2").returncode == 0
    assert [r["id"] for r in read_out(one)] == ids
    assert read_out(one) == read_out(two)


def test_resume_skips_done_ids(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    ids = write_input(src)
    out = tmp_path / "out.jsonl"
    full = tmp_path / "full.jsonl"
    assert batch(str(src), "-o", str(full), "-j", "1").returncode == 0
    out.write_text("".join(json.dumps(r) + "\n" for r in read_out(full)[:4]))
    r = batch(str(src), "-o", str(out), "--resume", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert [x["id"] for x in read_out(out)] == ids
    assert read_out(out) == read_out(full)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_leaves_whole_lines(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    # Far more work than is done before the interrupt (about 10 s of it), so that a busy
    # machine that delays this loop cannot let the batch finish first.
    write_input(src, copies=1000)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "segmenter.cli", "batch", str(src), "-o", str(out), "-j", "2"]
    # The batch gets Ctrl-C as a terminal delivers it, whatever the test runner's own SIGINT
    # disposition (an ignored signal is inherited across exec, and Python then keeps it so).
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, preexec_fn=_default_sigint)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 20_000) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"--resume" in err and b"Traceback" not in err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(json.loads(line)["id"] for line in lines)


dask = pytest.importorskip("dask")


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def plain_results(tmp_path: Path) -> list[dict]:
    src = tmp_path / "plain.jsonl"
    write_input(src)
    out = tmp_path / "plain-out.jsonl"
    assert batch(str(src), "-o", str(out), "-j", "1").returncode == 0
    return read_out(out)


def test_bag_equals_plain_batch(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import dask.bag as db

    from segmenter.dask import segment_bag

    records = [{"id": f"{p.stem}-0", "text": p.read_text(encoding="utf-8")} for p in PAGES]
    got = segment_bag(db.from_sequence(records, npartitions=3)).compute()
    # the bag keeps input order, so its results need no index; batch output lines carry one
    assert got == [{k: v for k, v in r.items() if k != "index"} for r in plain_results(tmp_path)]


def test_dataframe_has_declared_schema(client) -> None:  # type: ignore[no-untyped-def]
    import dask.dataframe as dd
    import pandas as pd

    from segmenter.dask import RESULT_COLUMNS, segment_dataframe

    texts = [p.read_text(encoding="utf-8") for p in PAGES] + ["   "]
    frame = dd.from_pandas(
        pd.DataFrame({"id": [f"p{i}" for i in range(len(texts))], "text": texts}), npartitions=2
    )
    out = segment_dataframe(frame).compute()
    assert list(out.columns) == list(RESULT_COLUMNS)
    assert {str(t) for t in out.dtypes} == {"string", "float64"}
    assert out["error"].isna().sum() == len(PAGES)
    assert out.iloc[-1]["error"]
    seed_row = out[out["id"] == "p1"].iloc[0]
    assert seed_row["title"].startswith("South Korea demands")


def test_cli_dask_local_equals_plain(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl.gz"
    write_input(src)
    out = tmp_path / "dask-out.jsonl"
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    cmd = [
        sys.executable,
        "-m",
        "segmenter.cli",
        "batch",
        str(src),
        "-o",
        str(out),
        "--dask",
        "local",
    ]
    r = subprocess.run(cmd, capture_output=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert read_out(out) == plain_results(tmp_path)


def dask_batch(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    cmd = [sys.executable, "-m", "segmenter.cli", "batch", *args, "--dask", "local"]
    return subprocess.run(cmd, capture_output=True, timeout=300, env=env)


def test_cli_dask_reports_bad_records_as_local_mode(tmp_path: Path) -> None:
    src = tmp_path / "small.jsonl"
    story = (SEEDS / "002_0b1dbd43aa0014da.txt").read_text(encoding="utf-8")
    good, last = json.dumps({"text": story}), json.dumps({"text": story, "id": "last"})
    lines = [good, "", "{broken", json.dumps({"id": "c"}), '"x"', last]
    src.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    local, on_dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    r_local = batch(str(src), "-o", str(local), "--skip-errors", "-j", "1")
    r_dask = dask_batch(str(src), "-o", str(on_dask), "--skip-errors")
    assert r_local.returncode == r_dask.returncode == 0, r_dask.stderr[-2000:]

    def reports(r: subprocess.CompletedProcess[bytes]) -> list[str]:
        return [x for x in r.stderr.decode().splitlines() if x.startswith(f"{src}:")]

    assert [x.split(": ")[0] for x in reports(r_local)] == [f"{src}:{n}" for n in (3, 4, 5)]
    assert reports(r_dask) == reports(r_local)
    assert b"3 record(s) skipped" in r_dask.stderr
    assert read_out(on_dask) == read_out(local)
    assert [x["index"] for x in read_out(on_dask)] == [0, 5]

    stopped = dask_batch(str(src), "-o", str(on_dask))
    assert stopped.returncode == 1 and b"Traceback" not in stopped.stderr
    assert f"{src}:3: malformed JSON".encode() in stopped.stderr
