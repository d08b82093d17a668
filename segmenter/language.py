"""Language of the story body: langdetect, seeded, on a capped sample, with "und" when the
text is too short or the detector is unsure."""

from __future__ import annotations

import threading
from functools import cache

from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

from .types import Language

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


def detect(text: str, hint: str | None = None) -> Language:
    """The language of `text`; the caller's hint when detection cannot decide."""
    fallback = Language(hint, 0.0) if hint else UNDETERMINED
    if sum(c.isalpha() for c in text) < _MIN_LETTERS:
        return fallback
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
