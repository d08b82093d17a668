"""Shared fixtures. `pytest --update-golden` rewrites the golden files on purpose; without it
a difference is a failure, field by field."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from segmenter.localserver import running

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "seeds"
EVAL_DIR = ROOT.parent / "shared" / "eval"

# A small story: a headline over four paragraphs, for tests that append residue to it.
STORY = [
    "Harbour council approves new flood barrier after decade of delays",
    "The harbour council voted on Tuesday to build a flood barrier at the mouth of the estuary, "
    "ending a decade of disputes over its cost and its effect on the fishing fleet.",
    "The barrier will cost an estimated 240 million euros and should be finished by the end of "
    "2029, according to the council's own planning documents.",
    "Fishermen, who had opposed earlier designs, said the new plan leaves a wider channel open "
    "for their boats and that they would not challenge it in court.",
    '"We have waited long enough, and the winters are not getting any kinder," the mayor told '
    "reporters after the vote.",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/fixtures/golden/*.json from the current output (review the diff!)",
    )

    parser.addoption(
        "--raise-gate",
        action="store_true",
        help="raise tests/eval_baseline.json to the current dev figures (never lowers one)",
    )


@pytest.fixture
def raise_gate(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--raise-gate"))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def get(url: str, data: bytes | None = None, ctype: str = "text/plain") -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """`segmenter serve` (granian, 2 workers) on a free loopback port."""
    with running(workers=2) as server:
        yield server.base
