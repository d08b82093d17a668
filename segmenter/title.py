"""The headline: the best-scoring title-shaped line above the story (or the story's own first
line when that is a headline). A candidate scores for the shape of a headline, for sharing its
words with the story's opening, for sharing them with the URL's slug when the caller gave a
URL, and for standing close to the story."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from .features import Features
from .types import Line

_TOKEN = re.compile(r"\w+")
_LIST_MARK = re.compile(r"^(?:[*+•·o-]\s|\d{1,3}(?:\.\d{1,3})*[.)]?\s|step \d)", re.IGNORECASE)
# How far above the story the title is looked for, and what each line of distance costs. With
# a URL, its slug can vouch for a headline far above the story (pages put menus, galleries and
# bylines between the two); without one, nearness is the better evidence.
_LOOKBACK, _LOOKBACK_WITH_SLUG = 60, 150
_MIN_WORDS, _MAX_WORDS = 2, 30
_OPENING_TOKENS = 2000  # how much of the story the title's words are looked for in
_MIN_SCORE = 1.0
# Weights of the signals (tuned on the dev split as a whole, a handful of numbers).
W_SHAPE, W_STORY, W_SLUG, W_LIST = 1.0, 2.0, 3.0, 1.5
W_DISTANCE, W_DISTANCE_WITH_SLUG = 0.06, 0.01


def slug_tokens(url: str | None) -> frozenset[str]:
    """Words of the URL's last meaningful path segment: /2024/05/flood-barrier-approved.html."""
    if not url:
        return frozenset()
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return frozenset()
    segments = [s for s in path.split("/") if s and not s.isdigit()]
    if not segments:
        return frozenset()
    last = re.sub(r"\.\w{2,5}$", "", segments[-1])
    return frozenset(t for t in _TOKEN.findall(last.lower()) if not t.isdigit() and len(t) > 1)


def _content(text: str, stops: frozenset[str]) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in stops and len(t) > 1]


def _shape(line: Line, f: Features) -> float | None:
    """How much the line looks like a headline; None when it cannot be one."""
    text = line.text
    if not (_MIN_WORDS <= f.words <= _MAX_WORDS or (f.cjk and f.words >= 2)):
        return None
    if (text.endswith(".") and not text.endswith("...")) or text.endswith(":"):
        return None
    if f.weak is not None or f.header is not None:
        return None
    score = 0.5 + 0.5 * f.capitalised
    if _LIST_MARK.match(text):
        score -= W_LIST  # list items and numbered subheadings are rarely the headline
    if 4 <= f.words <= 20:
        score += 0.5
    if text.isupper():
        score -= 0.5
    if f.truncation_mark:
        score -= 1.0
    return score


def pick(
    kept: Sequence[Line],
    feats: Sequence[Features],
    start: int,
    end: int,
    stops: frozenset[str],
    url: str | None = None,
) -> tuple[int | None, float]:
    """Index in `kept` of the title and its score, or (None, 0.0)."""
    opening: set[str] = set()
    for k in range(start, end):
        opening.update(_content(kept[k].text, stops))
        if len(opening) >= _OPENING_TOKENS:
            break
    slug = slug_tokens(url)
    best, best_score = None, _MIN_SCORE
    lookback, w_distance = (
        (_LOOKBACK_WITH_SLUG, W_DISTANCE_WITH_SLUG) if url else (_LOOKBACK, W_DISTANCE)
    )
    candidates = list(range(start - 1, max(-1, start - 1 - lookback), -1))
    if start < end and feats[start].words <= _MAX_WORDS:
        candidates.insert(0, start)  # the story's first line may be its headline
    for k in candidates:
        shape = _shape(kept[k], feats[k])
        if shape is None:
            continue
        words = _content(kept[k].text, stops)
        if not words:
            continue
        story = sum(w in opening for w in words) / len(words) if k != start else 0.5
        score = W_SHAPE * shape + W_STORY * story - w_distance * abs(start - 1 - k)
        if slug:
            score += W_SLUG * sum(w in slug for w in words) / len(words)
        if score > best_score:
            best, best_score = k, score
    return best, best_score
