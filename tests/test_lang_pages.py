"""Hand-made pages in German, Spanish, French, Hindi and Latvian, and an English control: the
cleaner removes their interface lines with the right reason (this must pass: it is rule data),
and the whole pipeline finds their headline, story and teasers (parts that need the
segmentation core are marked xfail in the expectation, with the reason)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import FIXTURES
from segmenter import segment
from segmenter.clean import clean
from segmenter.normalize import split_lines

PAGES = FIXTURES / "pages" / "lang"
EXPECT: dict[str, Any] = json.loads((PAGES / "expect.json").read_text(encoding="utf-8"))
NAMES = sorted(k for k in EXPECT if not k.startswith("_"))


def _text(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def _cases(part: str) -> list[Any]:
    """One case a page, xfail (not strict) where the expectation says the core is needed."""
    cases = []
    for name in NAMES:
        reason = EXPECT[name].get("xfail", {}).get(part)
        marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
        cases.append(pytest.param(name, marks=marks, id=name))
    return cases


@pytest.mark.parametrize("name", NAMES)
def test_the_cleaner_removes_the_interface_lines_with_their_reason(name: str) -> None:
    cleaned = clean(split_lines(_text(name)))
    got = [[r.line, r.reason.value] for r in cleaned.removed]
    assert got == EXPECT[name]["cleaned"]


@pytest.mark.parametrize("name", _cases("title"))
def test_the_headline(name: str) -> None:
    title = segment(_text(name)).title
    assert title is not None and title.line == EXPECT[name]["title"]


@pytest.mark.parametrize("name", _cases("body"))
def test_the_story(name: str) -> None:
    want = EXPECT[name]
    body = [p.line for p in segment(_text(name)).body]
    assert [n for n in body if n not in want["either"]] == want["body"]


@pytest.mark.parametrize("name", _cases("teasers"))
def test_the_teasers(name: str) -> None:
    teasers = [t.line for t in segment(_text(name)).teasers]
    assert teasers == EXPECT[name]["teasers"]


@pytest.mark.parametrize("name", _cases("named"))
def test_bylines_datelines_and_block_headers_are_named(name: str) -> None:
    removed = {r.line: r.reason.value for r in segment(_text(name)).removed}
    for line, reason in EXPECT[name]["named"]:
        assert removed.get(line) == reason, f"line {line}"


def test_every_page_has_its_language() -> None:
    from segmenter.language import detect

    for name in NAMES:
        assert detect(_text(name)).code == EXPECT[name]["language"], name
