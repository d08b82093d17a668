"""The language fast path: a script, or a vote of the stop-word lists, decides clear cases
without langdetect."""

from __future__ import annotations

from collections import Counter

import pytest

from segmenter import language
from segmenter.language import _WORD, detect, fast_path
from segmenter.ruleset import stopword_hits

# English full of words that jusText's Finnish list holds too (names, "club", "city", "the").
ENGLISH = (
    "David Moore and George Allen of the city club said the final at the national stadium in "
    "London was the best game of the season. The film of the match is on the club website for "
    "all fans, and the American and British press called it a day to remember for the college "
    "team and its coach, John King."
)
SPANISH = (
    "El ayuntamiento anunció el lunes que el nuevo puente se abrirá al tráfico en primavera, "
    "después de un año de retrasos causados por las inundaciones y la falta de acero."
)
FINNISH = (
    "Kaupunginvaltuusto kertoi maanantaina, että uusi silta avataan liikenteelle keväällä, kun "
    "sen rakentaminen on viivästynyt vuoden tulvien ja teräksen puutteen vuoksi."
)


def test_plain_hits_would_not_decide_the_english_text() -> None:
    """The case the weighting is for: counted plainly, Finnish is within the margin."""
    (top, code), (second, other) = sorted(
        stopword_hits(Counter(_WORD.findall(ENGLISH.lower()))), reverse=True
    )[:2]
    assert (code, other) == ("en", "fi") and top < 1.3 * second


@pytest.mark.parametrize(("text", "code"), [(ENGLISH, "en"), (SPANISH, "es"), (FINNISH, "fi")])
def test_the_weighted_vote_decides_without_langdetect(
    text: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_langdetect() -> None:
        raise AssertionError("langdetect was asked")

    monkeypatch.setattr(language, "_factory", no_langdetect)
    letters = sum(map(str.isalpha, text))
    quick = fast_path(text, letters)
    assert quick is not None and quick.code == code and 0.5 < quick.confidence <= 1
    assert detect(text) == quick
