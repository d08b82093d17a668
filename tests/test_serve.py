"""The real thing: `segmenter serve` (gunicorn with the packaged config) on a free loopback
port, the seeds posted to it, then a clean shutdown. Bounded in time and request count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEEDS, get


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_through_gunicorn(live_server: str, seed: Path) -> None:
    status, body = get(live_server + "/segment", seed.read_bytes())
    assert status == 200
    result = json.loads(body)
    golden = json.loads(
        (seed.parent.parent / "tests/fixtures/golden" / (seed.stem + ".json")).read_text()
    )
    assert result == golden


def test_gunicorn_answers_problems_and_metrics(live_server: str) -> None:
    status, body = get(live_server + "/segment", b"x", ctype="application/xml")
    assert status == 415 and json.loads(body)["status"] == 415
    status, body = get(live_server + "/metrics")
    assert status == 200 and b"segmenter_requests_total" in body
