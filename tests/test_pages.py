"""Each supported teaser format and the residue negatives, on small hand-written pages."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from segmenter import segment

PAGES = FIXTURES / "pages"
EXPECT = json.loads((PAGES / "expect.json").read_text(encoding="utf-8"))
NAMES = sorted(k for k in EXPECT if not k.startswith("_"))
CASES = [
    pytest.param(
        name,
        marks=[pytest.mark.xfail(strict=False, reason=EXPECT[name]["xfail"])]
        if "xfail" in EXPECT[name]
        else [],
        id=name,
    )
    for name in NAMES
]


@pytest.mark.parametrize("name", CASES)
def test_page(name: str) -> None:
    want = EXPECT[name]
    got = segment((PAGES / name).read_text(encoding="utf-8")).to_dict()
    assert (got["title"] or {}).get("line") == want["title"]
    assert [b["line"] for b in got["body"]] == want["body"]
    assert [
        [t["line"], t.get("end_line"), t["kicker"], t["title"], t["truncated"]]
        for t in got["teasers"]
    ] == want["teasers"]
    assert [[r["line"], r["reason"]] for r in got["removed"]] == want["removed"]
