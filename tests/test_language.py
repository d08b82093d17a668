"""The language fast path: a script, or a vote of the stop-word lists, decides clear cases
without langdetect."""

from __future__ import annotations

from collections import Counter

import pytest

from segmenter import language
from segmenter.features import features, page_stopwords
from segmenter.language import _WORD, detect, fast_path
from segmenter.ruleset import WORD, stopword_hits, stopwords

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


HINDI = "दिल्ली सरकार ने मंगलवार को सार्वजनिक परिवहन के विकास के लिए एक नई योजना की घोषणा की।"


def test_a_word_keeps_its_vowel_signs_and_viramas() -> None:
    # Python's \w leaves combining marks out: "हिन्दी" would be three words, "ल" "ख" "ส" ...
    assert WORD.findall("हिन्दी समाचार और ताज़ा ख़बरें") == [
        "हिन्दी",
        "समाचार",
        "और",
        "ताज़ा",
        "ख़बरें",
    ]
    assert WORD.findall("ลิขสิทธิ์ ข่าว") == ["ลิขสิทธิ์", "ข่าว"]
    # A danda ends a sentence; it is no part of the word before it.
    assert WORD.findall("की।") == ["की"]
    assert features(HINDI, frozenset()).words == 17


def test_a_hindi_page_gets_stop_words_in_its_script() -> None:
    # Hindi, or Nepali or Marathi, which share its function words; before, a Latin list that
    # held none of them, and the story read as stop-word-free lines.
    code, stops = page_stopwords([HINDI])
    assert code in {"hi", "ne", "mr"} and {"ने", "को", "के"} <= stops
    assert features(HINDI, stops).stop_density > 0.3


def test_a_list_of_a_language_in_its_own_script_holds_no_latin_word() -> None:
    # jusText's Marathi and Nepali lists hold English words: they outvoted English on 215 dev
    # pages until they were cut to their own script.
    lists = stopwords()
    for code in ("hi", "mr", "ne", "ar", "he", "bg"):
        assert lists[code] and not any(w.isascii() for w in lists[code])
    assert page_stopwords([ENGLISH])[0] == "en"
