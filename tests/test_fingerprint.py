"""The fast simhash is trafilatura's Simhash, bit for bit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from trafilatura.deduplication import Simhash

from conftest import SEEDS
from segmenter.fingerprint import distance, simhash, simhash_int


def test_seeds_match_trafilatura() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert simhash_int(text) == Simhash(text).hash


@given(st.text(max_size=3000))
def test_any_text_matches_trafilatura(text: str) -> None:
    assert simhash_int(text) == Simhash(text).hash


def test_format_and_distance() -> None:
    a, b = simhash("one two three four five six"), simhash("completely different words here")
    assert len(a) == 16 and int(a, 16) >= 0
    assert distance(a, a) == 0 and 0 < distance(a, b) <= 64


@pytest.mark.parametrize("text", ["", "。", "!!! ... ---"])
def test_no_fingerprint_for_a_text_without_words(text: str) -> None:
    assert simhash(text) is None


def test_a_page_with_an_empty_body_has_no_fingerprint() -> None:
    from segmenter import segment

    result = segment("Skip to main content\nAdvertisement\n")
    assert result.body == ()
    assert result.fingerprint is None and result.to_dict()["fingerprint"] is None
