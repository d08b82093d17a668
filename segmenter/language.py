"""Language of the story body, with "und" when the text is too short or unclear.

Clear cases are decided without langdetect, which costs milliseconds a call: a script that
only one language here writes (kana: ja, Hangul: ko, Greek, Hebrew, Thai), or a decisive vote of
the stop-word lists: one list has most hits, 1.3 times the next when a word that k lists hold
counts 1/k in each, and the text is largely its words. Everything else goes to langdetect,
seeded so that the same text always gets the same answer, on a capped sample. On the 1,071 dev
pages the fast path decides 1,051 and agrees with langdetect on all of them."""

from __future__ import annotations

import re
import threading
from collections import Counter
from functools import cache

from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

from .ruleset import WORD, stopword_hits, stopwords
from .types import Language

_WORD = WORD
_SCRIPTS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    # (code, characters of the script, share of letters that decides it)
    ("ja", re.compile(r"[\u3040-\u30ff]"), 0.1),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), 0.3),
    ("el", re.compile(r"[\u0370-\u03ff]"), 0.5),
    ("he", re.compile(r"[\u0590-\u05ff]"), 0.5),
    ("th", re.compile(r"[\u0e00-\u0e7f]"), 0.5),
)
# Any of those scripts: one scan rules them all out for most text.
_ANY_SCRIPT = re.compile("|".join(script.pattern for _, script, _ in _SCRIPTS))
_VOTE_MIN_HITS = 8
_VOTE_MIN_SHARE = 0.25  # of the sample's tokens in the winning list
_VOTE_MARGIN = 1.3  # winner's hits over the runner-up's

UNDETERMINED = Language("und", 0.0)
# Below this many letters langdetect guesses; below this probability it is not sure.
_MIN_LETTERS = 20
_MIN_CONFIDENCE = 0.5
# langdetect's detectors are seeded from the factory's class attribute; the seed makes the
# random sampling inside it repeatable, so the same text gives the same answer in any process.
_SEED = 0
_lock = threading.Lock()


@cache
def _factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def load() -> None:
    """Load the language profiles now (the service calls this at start-up)."""
    _factory()


def sample(texts: list[str], limit: int) -> str:
    """The first `limit` characters of the body, cut at a word boundary."""
    out = " ".join(texts)[:limit]
    if len(out) == limit and " " in out:
        out = out[: out.rfind(" ")]
    return out


def fast_path(text: str, letters: int) -> Language | None:
    """The language when the script or the stop words make it plain; None when unsure.
    `letters` is the count of alphabetic characters in `text`, which `detect` has already."""
    if _ANY_SCRIPT.search(text):
        for code, script, share in _SCRIPTS:
            if len(script.findall(text)) >= share * letters:
                return Language(code, 1.0)
    tokens = _WORD.findall(text.lower())
    counts = Counter(tokens)
    # The winner by weighted hits, where words that many lists share count little, must also
    # have enough plain hits: a text that is mostly stop words of its language.
    (top, code), (second, _) = sorted(stopword_hits(counts, weighted=True), reverse=True)[:2]
    hits = sum(n for token, n in counts.items() if token in stopwords()[code])
    decisive = hits >= _VOTE_MIN_HITS and hits >= _VOTE_MIN_SHARE * len(tokens)
    if decisive and top >= _VOTE_MARGIN * second:
        # 0.5 at a tie, 1.0 when no other list has a hit.
        return Language(code, round(1 - second / (2 * top), 4))
    return None


def detect(text: str, hint: str | None = None, fast: bool = True) -> Language:
    """The language of `text`; the caller's hint when detection cannot decide."""
    fallback = Language(hint, 0.0) if hint else UNDETERMINED
    letters = sum(map(str.isalpha, text))
    if letters < _MIN_LETTERS:
        return fallback
    if fast:
        quick = fast_path(text, letters)
        if quick is not None:
            return quick
    with _lock:  # the seed is a class attribute: set it and create under one lock
        DetectorFactory.seed = _SEED
        detector = _factory().create()
    detector.append(text)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:
        return fallback
    if not ranked or ranked[0].prob < _MIN_CONFIDENCE:
        return fallback
    return Language(ranked[0].lang, round(ranked[0].prob, 4))
