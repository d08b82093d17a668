"""The CLI as a user runs it: files, stdin, batch in and out, and clear errors."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, SEEDS

SEED_002 = SEEDS / "002_0b1dbd43aa0014da.txt"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "segmenter.cli", *args], input=stdin, capture_output=True
    )


def test_segment_stdin_equals_file() -> None:
    from_file = run("segment", str(SEED_002))
    from_stdin = run("segment", "-", stdin=SEED_002.read_bytes())
    assert from_file.returncode == from_stdin.returncode == 0
    assert from_file.stdout == from_stdin.stdout
    assert json.loads(from_file.stdout)["title"]["line"] == 3


def test_segment_explain_names_rules() -> None:
    out = json.loads(run("segment", "--explain", str(SEED_002)).stdout)
    assert {"line": 2, "fate": "removed", "rule": "menu-words"} in out["explain"]


def test_missing_file_is_a_message_not_a_traceback() -> None:
    r = run("segment", "/nonexistent/page.txt")
    assert r.returncode == 1
    assert b"no such file" in r.stderr and b"Traceback" not in r.stderr


def test_blank_input_is_a_message() -> None:
    r = run("segment", "-", stdin=b"\n \n")
    assert r.returncode == 1 and b"no text" in r.stderr


def test_line_limit_is_a_message_and_can_be_raised() -> None:
    page = b"A line of a page.\n" * 30
    r = run("segment", "--max-lines", "10", "-", stdin=page)
    assert r.returncode == 1 and b"31 lines; the limit is 10" in r.stderr
    r = run("segment", "--max-lines", "40", "-", stdin=page)
    assert r.returncode == 0 and json.loads(r.stdout)["stats"]["lines"] == 31


def test_batch_gz_in_jsonl_out(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl.gz"
    records = [
        {"id": "s2", "text": SEED_002.read_text(encoding="utf-8"), "extra": [1, 2]},
        {"id": 7, "text": (FIXTURES / "pages" / "card.txt").read_text(encoding="utf-8")},
        {
            "id": "h",
            "html": "<html><body><p>A paragraph of text that is long enough to be the "
            "story of this tiny page, with words.</p></body></html>",
        },
    ]
    with gzip.open(src, "wt", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")
    out = tmp_path / "out.jsonl"
    r = run("batch", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in results] == ["s2", "7", "h"]
    assert results[0]["title"]["line"] == 3
    assert len(results[1]["teasers"]) == 2
    assert results[2]["source"] == "html"


def test_batch_malformed_line_stops_with_line_number(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Fine text line."}\n{broken\n{"id": "c"}\n')
    r = run("batch", str(src), "-o", str(tmp_path / "out.jsonl"))
    assert r.returncode == 1
    assert f"{src}:2:".encode() in r.stderr and b"Traceback" not in r.stderr


def test_batch_skip_errors_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Fine text line."}\n{broken\n{"id": "c"}\n"x"\n')
    out = tmp_path / "out.jsonl"
    r = run("batch", str(src), "-o", str(out), "--skip-errors")
    assert r.returncode == 0
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a"]
    assert r.stderr.count(b"\n") == 4  # three bad records and the count
    assert f"{src}:3: a record needs".encode() in r.stderr


@pytest.mark.parametrize("command", [[], ["segment"], ["batch"], ["serve"]])
def test_help_everywhere(command: list[str]) -> None:
    r = run(*command, "--help")
    assert r.returncode == 0 and b"usage: segmenter" in r.stdout


def test_bad_option_value() -> None:
    r = run("segment", "--strictness", "3", str(SEED_002))
    assert r.returncode == 2 and b"strictness" in r.stderr


def test_bench_prints_ratios_stages_and_scaling() -> None:
    r = run("bench", str(FIXTURES / "eval" / "mini.jsonl"), "--no-trafilatura")
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert "keep-everything" in out and "segmenter (full pipeline)" in out
    for stage in ("normalize", "clean", "split", "language", "fingerprint"):
        assert stage in out
    assert "1000000" in out


def test_bench_missing_file() -> None:
    r = run("bench", "/nonexistent.jsonl.gz")
    assert r.returncode == 1 and b"no such file" in r.stderr


@pytest.mark.parametrize(("preset", "expected"), [(None, "2"), ("4", "4")])
def test_serve_runs_the_server_with_two_malloc_arenas_unless_told(
    preset: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from segmenter import cli

    if preset is None:
        monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    else:
        monkeypatch.setenv("MALLOC_ARENA_MAX", preset)
    calls = []
    monkeypatch.setattr(os, "execvpe", lambda *a: calls.append(a))
    assert cli.main(["serve", "--port", "8123"]) == 0
    ((_, argv, env),) = calls
    assert argv[-2:] == ["-m", "segmenter.server"]
    assert env["MALLOC_ARENA_MAX"] == expected and env["SEGMENTER_PORT"] == "8123"
