"""`segmenter eval` agrees with the shared scorer on the same predictions."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EVAL_DIR, FIXTURES
from segmenter import evaluate
from segmenter.options import Options

MINI = FIXTURES / "eval" / "mini.jsonl"
SCORER = EVAL_DIR / "score.py"


def test_metrics_of_a_hand_made_prediction() -> None:
    record = {
        "id": "x",
        "gold": {
            "title": "A Title",
            "body": ["one two three four", "five six seven eight"],
            "teasers": [{"text": "nine ten"}],
        },
    }
    pred = {
        "title": {"text": "a title"},
        "body": [
            {"text": "one two three four"},
            {"text": "five six seven eight"},
            {"text": "nine ten"},
        ],
        "teasers": [],
    }
    m = evaluate.score_record(record, pred)
    assert m["title_em"] == 1.0
    assert m["body_r"] == 1.0 and m["body_p"] == 0.8
    assert m["teaser_count_acc"] == 0.0 and m["teaser_f1"] == 0.0
    assert (m["boundary_acc"], m["boundary_late"], m["boundary_early"]) == (0.0, 1.0, 0.0)


@pytest.mark.skipif(not SCORER.exists(), reason=f"{SCORER} is absent (no shared eval folder)")
def test_agrees_with_shared_scorer(tmp_path: Path) -> None:
    records = evaluate.read_jsonl(str(MINI))
    run = evaluate.predict(records, Options())
    preds_path = tmp_path / "preds.jsonl"
    preds_path.write_text("".join(json.dumps(p) + "\n" for p in run.predictions.values()))
    ours = evaluate.score(records, run.predictions, "meta.kind")

    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    assert spec and spec.loader
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    theirs = shared.score(
        list(shared.read_jsonl(str(MINI))), shared.load_preds(str(preds_path)), "meta.kind"
    )
    assert ours == theirs


def test_eval_command_prints_table_and_writes_errors(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "segmenter.cli",
            "eval",
            str(MINI),
            "--errors",
            str(tmp_path),
            "--worst",
            "2",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(proc.stdout)
    assert result["overall"]["n"] == 4
    assert result["throughput"]["docs"] == 4
    reports = sorted(tmp_path.glob("*.txt"))
    assert len(reports) == 2
    assert "| B |" in reports[0].read_text(encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "segmenter.cli", "eval", str(MINI)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.splitlines()[0].split()[:4] == ["group", "n", "bodyP", "bodyR"]
