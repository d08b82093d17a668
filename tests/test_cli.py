"""The CLI as a user runs it: files, stdin, batch in and out, and clear errors."""

from __future__ import annotations

import gzip
import json
import os
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
    # 31 numbered lines (the limit counts the empty one after the last break); wc -l says 30
    assert r.returncode == 0 and json.loads(r.stdout)["stats"]["lines"] == 30


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
    assert [json.loads(x)["index"] for x in out.read_text().splitlines()] == [0]
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


def test_python_dash_m_segmenter() -> None:
    r = subprocess.run([sys.executable, "-m", "segmenter", "--version"], capture_output=True)
    assert r.returncode == 0 and r.stdout.startswith(b"segmenter ")


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


STORY_LINE = "A story line of this small page, long enough to read as a sentence of prose."


def test_batch_lines_carry_their_input_index(tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [json.dumps({"text": STORY_LINE}), "", "{broken", json.dumps({"text": STORY_LINE + "!"})],
    )
    out = tmp_path / "out.jsonl"
    r = run("batch", str(src), "-o", str(out), "--skip-errors", "-j", "1")
    assert r.returncode == 0, r.stderr
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # index + 1 is the record's line: the blank line and the bad record keep their places
    assert [x["index"] for x in results] == [0, 3]
    assert "id" not in results[0] and STORY_LINE + "!" in json.dumps(results[1])
    assert f"{src}:3: ".encode() in r.stderr


def test_resume_after_a_finished_run_adds_nothing_even_without_ids(tmp_path: Path) -> None:
    records = [{"id": "a", "text": STORY_LINE}, {"text": "Two."}, {"text": STORY_LINE + "!"}]
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps(r) for r in records])
    out = tmp_path / "out.jsonl"
    assert run("batch", str(src), "-o", str(out), "-j", "1").returncode == 0
    finished = out.read_bytes()
    r = run("batch", str(src), "-o", str(out), "--resume", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == finished


def test_resume_after_part_of_a_run_appends_the_rest_without_ids(tmp_path: Path) -> None:
    records = [{"id": "a", "text": STORY_LINE}]
    records += [{"text": f"{STORY_LINE} Number {i}."} for i in range(4)]
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps(r) for r in records])
    full, out = tmp_path / "full.jsonl", tmp_path / "out.jsonl"
    assert run("batch", str(src), "-o", str(full), "-j", "1").returncode == 0
    out.write_text("".join(full.read_text(encoding="utf-8").splitlines(True)[:2]))
    assert run("batch", str(src), "-o", str(out), "--resume", "-j", "1").returncode == 0
    assert out.read_bytes() == full.read_bytes()


def test_resume_refuses_to_overwrite_a_file_that_is_not_batch_output(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": STORY_LINE})])
    out = write_jsonl(tmp_path / "out.jsonl", ['{"id": "from something else"}'])
    r = run("batch", str(src), "-o", str(out), "--resume")
    assert r.returncode == 1 and b"not a batch result with an 'index'" in r.stderr
    assert out.read_text(encoding="utf-8") == '{"id": "from something else"}\n'


def test_a_record_with_text_and_html_is_refused_as_the_service_does(tmp_path: Path) -> None:
    record = {"id": "both", "text": STORY_LINE, "html": f"<p>{STORY_LINE}</p>"}
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps(record)])
    r = run("batch", str(src), "-o", str(tmp_path / "out.jsonl"))
    assert r.returncode == 1
    assert f"{src}:1: give 'text' or 'html', not both".encode() in r.stderr


def test_dask_without_the_extra_is_one_line_naming_the_extra(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": STORY_LINE})])
    # A None in sys.modules makes `import dask` fail as it does where dask is not installed.
    code = (
        "import sys; sys.modules['dask'] = None; from segmenter.cli import main; "
        f"sys.exit(main(['batch', {str(src)!r}, '--dask', 'local']))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert r.returncode == 1
    assert b"Traceback" not in r.stderr and r.stderr.count(b"\n") == 1
    assert b"pip install 'segmenter[dask]'" in r.stderr


def test_bench_runs_from_an_installed_package_without_a_checkout(tmp_path: Path) -> None:
    import shutil

    import segmenter

    # The package alone, as `pip install .` lays it out: no seeds/ or tests/ beside it.
    site = tmp_path / "site"
    shutil.copytree(
        Path(segmenter.__file__).parent,
        site / "segmenter",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    r = subprocess.run(
        [sys.executable, "-m", "segmenter", "bench", "--limit", "5", "--no-trafilatura"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert b"5 pages from the packaged pages" in r.stdout


def test_bench_file_without_pages_is_a_message(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "x"})])
    r = run("bench", str(src))
    assert r.returncode == 1 and b"no record with a 'text'" in r.stderr


def test_resume_on_dask_is_refused_before_any_work(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": STORY_LINE})])
    r = run("batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--dask", "local", "--resume")
    assert r.returncode == 1 and b"--resume works without --dask only" in r.stderr


def test_eval_with_the_phrases_off_reads_without_them_and_refuses_a_bad_share(
    tmp_path: Path,
) -> None:
    mini = str(FIXTURES / "eval" / "mini.jsonl")
    run("eval", mini, "--errors", str(tmp_path / "plain"))
    run("eval", mini, "--phrase-ablation", "1", "--errors", str(tmp_path / "off"))
    # With every phrase list off, no rule names the residue: the byline and the photo credit
    # lose the reasons their phrases gave them (shape may still remove them: the scores need
    # not drop, and since the story's end is cut by shape they no longer do on these pages).
    plain = (tmp_path / "plain" / "own-negatives.txt").read_text(encoding="utf-8")
    off = (tmp_path / "off" / "own-negatives.txt").read_text(encoding="utf-8")
    assert "-byline " in plain and "-credit " in plain
    assert "-byline " not in off and "-credit " not in off
    bad = run("eval", mini, "--phrase-ablation", "2")
    assert bad.returncode != 0 and b"Traceback" not in bad.stderr
    assert b"--phrase-ablation" in bad.stderr
