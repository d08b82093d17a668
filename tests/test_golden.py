"""The seed pages through the CLI, compared field by field with checked-in expected JSON.

The golden files are written by hand-checked runs of `pytest --update-golden` only; the
structural expectations of issue 3 are also asserted directly, so a golden file that drifted
from them cannot pass."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def run_cli(path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "segmenter.cli", "segment", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_seed_matches_golden(seed: Path, update_golden: bool) -> None:
    got = run_cli(seed)
    golden = FIXTURES / "golden" / (seed.stem + ".json")
    if update_golden:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    want = json.loads(golden.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want)
    for field in want:
        assert got[field] == want[field], f"field {field!r} differs from {golden.name}"


def test_seed_002_structure() -> None:
    got = run_cli(SEEDS / "002_0b1dbd43aa0014da.txt")
    assert got["title"] == {
        "text": "South Korea demands North Korea pulls its troops out of Russia immediately",
        "line": 3,
    }
    assert [b["line"] for b in got["body"]] == list(range(5, 40, 2))
    assert any(b["text"].startswith("Meanwhile, US Defence") for b in got["body"])
    assert [(r["line"], r["reason"]) for r in got["removed"]] == [
        (1, "navigation"),
        (2, "navigation"),
        (41, "advert"),
    ]
    assert got["teasers"] == []
    assert got["language"]["code"] == "en"
    assert got["stats"] == {"lines": 41, "body_lines": 18, "teasers": 0, "removed": 3}


def test_seed_000_structure() -> None:
    got = run_cli(SEEDS / "000_bd983b188d7b8a72.txt")
    assert got["title"] is None
    assert [b["line"] for b in got["body"]] == [1, 2, 3, *range(5, 18)]
    assert [(r["line"], r["reason"], r["text"]) for r in got["removed"]] == [
        (4, "credit", "Photo: EPA-EFE")
    ]
    teasers = got["teasers"]
    assert [t["line"] for t in teasers] == [18, 19, 20, 21]
    assert [t["kicker"] for t in teasers] == [
        "TAIWAN-FRIENDLY",
        "CORRECT IDENTIFICATION",
        "AT RISK",
        "‘UNITED FRONT’ FRONTS",
    ]
    assert all(t["truncated"] for t in teasers)
    assert teasers[0]["text"].startswith("The last time the Web site fact sheet")
    assert got["language"]["code"] == "en"


def test_seeds_fingerprints_are_near() -> None:
    from segmenter.fingerprint import distance

    a = run_cli(SEEDS / "000_bd983b188d7b8a72.txt")["fingerprint"]
    b = run_cli(SEEDS / "002_0b1dbd43aa0014da.txt")["fingerprint"]
    # Two outlets' versions of one story are much nearer than unrelated texts (~32 bits).
    assert distance(a, b) <= 20
