"""The quality gate: the pipeline's figures on ../shared/eval/dev.jsonl.gz may not fall below
the minimums checked in as tests/eval_baseline.json (in the spirit of trafilatura's
tests/eval_gate.py). When the code gets better, `python -m pytest tests/test_eval_gate.py
--raise-gate` raises the baseline; it never lowers a figure."""

from __future__ import annotations

import json

import pytest

from conftest import EVAL_DIR, ROOT
from segmenter import Options, evaluate

DEV = EVAL_DIR / "dev.jsonl.gz"
BASELINE = ROOT / "tests" / "eval_baseline.json"


def figures() -> dict[str, float]:
    records = evaluate.read_jsonl(str(DEV))
    run = evaluate.predict(records, Options())
    result = evaluate.score(records, run.predictions)
    overall, groups = result["overall"], result["groups"]
    out = {
        k: overall[k]
        for k in ("body_f1", "title_em", "teaser_count_acc", "teaser_f1", "boundary_acc")
    }
    for name in ("scrapinghub", "wcxb", "readability", "teaser-synth", "seed"):
        out[f"body_f1[{name}]"] = groups[f"dataset={name}"]["body_f1"]
    return out


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} is absent: no eval data on this machine")
def test_dev_figures_do_not_fall_below_the_baseline(raise_gate: bool) -> None:
    got = figures()
    baseline: dict[str, float] = json.loads(BASELINE.read_text(encoding="utf-8"))["minimum"]
    lowered = {k: (got.get(k, 0.0), v) for k, v in baseline.items() if got.get(k, 0.0) < v}
    if raise_gate and not lowered:
        raised = {k: max(v, baseline.get(k, 0.0)) for k, v in got.items()}
        doc = {
            "_doc": "Minimum dev figures; raise with --raise-gate, never lower by hand.",
            "minimum": dict(sorted(raised.items())),
        }
        BASELINE.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    assert not lowered, f"figures fell below the gate (got, minimum): {lowered}"
