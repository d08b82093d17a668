"""The headline: the best of the headline-shaped lines above the story (or the story's own
first line when that is a headline, and the page's first line, its <title> in some
renderings, when that is further up than the lines looked at), ranked by a learned model
(`models/title/`, written by `scripts/train_title.py`) over the signals of a headline: its
shape, the words it shares with the story's opening and with the URL's slug when the caller
gave a URL, its distance from the story, the bylines and dates around it, how story-like the
line model found it, and how it compares with the other candidates of the page."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from . import trees
from .features import Features
from .reading import NO_MARKS, Marks
from .ruleset import WORD, title_trim
from .trees import Trees
from .types import Line

if TYPE_CHECKING:
    from .split import Story

_TOKEN = WORD
_LIST_MARK = re.compile(r"^(?:[*+•·o-]\s|\d{1,3}(?:\.\d{1,3})*[.)]?\s|step \d)", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s[|–—-]\s|\s::\s")
# A list mark that can be cut off a title line: a bullet or a list number, then a space.
_CUT_MARK = re.compile(r"^(?:[*+•·▪-]|\d{1,2}[.)])(?= )")
# How far above the story the title is looked for: pages put menus, galleries and bylines
# between the two.
_LOOKBACK = 150
_MIN_WORDS, _MAX_WORDS = 2, 30
_OPENING_TOKENS = 2000  # how much of the story the title's words are looked for in
# Below these log-odds the best candidate is no headline: the page has none to offer.
_MIN_LOGIT = -4.0
MODEL = "title"
FEATURES = (
    "shape",
    "log_words",
    "capitalised",
    "list_mark",
    "upper",
    "truncation_mark",
    "ends_question",
    "separator",
    "story_first_line",
    "first_line",
    "story_overlap",
    "story_overlap_gap",
    "slug_overlap",
    "slug_overlap_gap",
    "has_url",
    "distance",
    "rank",
    "candidates",
    "line_logit",
    "repeated",
    "next_weak",
    "prev_weak",
    "next_prose",
    "heading",
    "echoed",
)


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


class _Opening:
    """The content words of the story's lines, up to the line where _OPENING_TOKENS distinct
    ones are reached; asked about one candidate word at a time (`word in opening`)."""

    def __init__(self, texts: list[str], stops: frozenset[str]) -> None:
        joined = "\n".join(texts)
        self.words: set[str] | None = None
        self.text = ""
        self.asked: dict[str, bool] = {}
        # Distinct tokens of two characters or more, a character apart, take at least
        # 3N - 1 characters: a shorter story holds fewer than N, and is read whole. Looking
        # for a few candidate words in its text is much cheaper than tokenising all of it.
        if len(joined) < 3 * _OPENING_TOKENS - 1:
            self.text = joined.lower()
            return
        self.words = set()
        for text in texts:
            self.words.update(_content(text, stops))
            if len(self.words) >= _OPENING_TOKENS:
                break

    def __contains__(self, word: str) -> bool:
        """Whether `word`, a content word (a run of \\w, not a stop word), is among them."""
        if self.words is not None:
            return word in self.words
        found = self.asked.get(word)
        if found is None:
            found = self.asked[word] = _has_token(self.text, word)
        return found


def _has_token(text: str, word: str) -> bool:
    """Whether `word` occurs in `text` as a whole token of _TOKEN (a maximal run of WORD)."""
    i, size = text.find(word), len(word)
    while i >= 0:
        j = i + size
        if (i == 0 or not _is_word_char(text[i - 1])) and (
            j == len(text) or not _is_word_char(text[j])
        ):
            return True
        i = text.find(word, i + 1)
    return False


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_" or (not c.isascii() and WORD.match(c) is not None)


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
    if 4 <= f.words <= 20:
        score += 0.5
    return score


def candidates(
    kept: Sequence[Line],
    story: Story,
    stops: frozenset[str],
    url: str | None,
    marks: Mapping[int, Marks] | None = None,
) -> list[tuple[int, list[float]]]:
    """The lines that may be the headline (indexes into `kept`), nearest first, each with
    its feature vector in the order of FEATURES. `marks`: what a renderer's marks said of a
    line (a Markdown heading's level)."""
    feats, start, end = story.feats, story.start, story.end
    marks = marks or {}
    # Some renderers put the page's <title> first ("Headline - Site"): a line it holds whole,
    # further down, is the headline printed as such.
    first = kept[0].text.casefold() if kept else ""
    opening = _Opening([line.text for line in kept[start:end]], stops)
    slug = slug_tokens(url)
    far = start - 1 - _LOOKBACK
    order = list(range(start - 1, max(-1, far), -1))
    if start < end and feats[start].words <= _MAX_WORDS:
        order.insert(0, start)  # the story's first line may be its headline
    if far >= 0:
        # A renderer that prints the page's <title> first puts the headline there, however
        # long the menus between it and the story (BeautifulSoup's get_text of a whole page).
        order.append(0)
    rows: list[tuple[int, float, float, float]] = []
    for k in order:
        shape = _shape(kept[k], feats[k])
        if shape is None:
            continue
        words = _content(kept[k].text, stops)
        if not words:
            continue
        overlap = sum(w in opening for w in words) / len(words) if k != start else 0.5
        slugged = sum(w in slug for w in words) / len(words) if slug else 0.0
        rows.append((k, shape, overlap, slugged))
    if not rows:
        return []
    best_overlap = max(r[2] for r in rows)
    best_slug = max(r[3] for r in rows)
    echoes = {k for k, *_ in rows if k and feats[k].words >= 3 and kept[k].text.casefold() in first}
    out = []
    for rank, (k, shape, overlap, slugged) in enumerate(rows):
        f, text = feats[k], kept[k].text
        nxt = feats[k + 1] if k + 1 < len(kept) else None
        prev = feats[k - 1] if k else None
        out.append(
            (
                k,
                [
                    shape,
                    math.log1p(f.words),
                    f.capitalised,
                    1.0 if _LIST_MARK.match(text) else 0.0,
                    1.0 if text.isupper() else 0.0,
                    float(f.truncation_mark),
                    1.0 if text.endswith(("?", "!")) else 0.0,
                    1.0 if _SEPARATOR.search(text) else 0.0,
                    1.0 if k == start else 0.0,
                    1.0 if k == 0 and far >= 0 else 0.0,
                    overlap,
                    best_overlap - overlap,
                    slugged,
                    best_slug - slugged,
                    1.0 if slug else 0.0,
                    math.log1p(abs(start - 1 - k)),
                    math.log1p(rank),
                    math.log1p(len(rows)),
                    max(-10.0, min(10.0, story.logits[k])),
                    float(story.repeated[k]),
                    1.0 if nxt is not None and nxt.weak is not None else 0.0,
                    1.0 if prev is not None and prev.weak is not None else 0.0,
                    1.0 if nxt is not None and nxt.words >= 12 and nxt.sentence_end else 0.0,
                    _heading_weight(marks.get(kept[k].number, NO_MARKS).heading),
                    1.0 if k in echoes else 0.0,
                ],
            )
        )
    return out


def _heading_weight(level: int) -> float:
    """A level-1 heading is the page's headline far more often than a level-3 one."""
    return 1.0 / level if level else 0.0


def load() -> Trees:
    return trees.load(MODEL, FEATURES)


def pick(
    kept: Sequence[Line],
    story: Story,
    stops: frozenset[str],
    url: str | None = None,
    model: Trees | None = None,
    marks: Mapping[int, Marks] | None = None,
) -> tuple[int | None, float]:
    """Index in `kept` of the title and the model's log-odds for it, or (None, 0.0)."""
    found = candidates(kept, story, stops, url, marks)
    if not found:
        return None, 0.0
    ratings = (model or load()).logits([v for _, v in found])
    best = max(range(len(found)), key=lambda i: (ratings[i], -i))  # ties: the nearest
    if ratings[best] < _MIN_LOGIT:
        return None, 0.0
    return found[best][0], ratings[best]


def _words(text: str) -> list[str]:
    return [w for w in text.split() if any(c.isalnum() for c in w)]


def _title_cased(words: list[str]) -> bool:
    """Every word starts (after any quote or bracket) with a capital letter or a digit."""
    for w in words:
        first = next(c for c in w if c.isalnum())
        if not (first.isupper() or first.isdigit()):
            return False
    return True


def trim(text: str) -> tuple[str | None, str, str | None]:
    """(prefix, headline, suffix) of a title line. The prefix is a list mark and a
    breadcrumb trail ("Home » Blog »"); the suffix is a short, Title-Cased site or section
    name after a separator ("| Opinion", "– Artlyst"). A part is cut only when what is left
    still reads as a headline; the non-empty parts joined by single spaces give the line."""
    rules = title_trim()
    prefix: list[str] = []
    head = text
    mark = _CUT_MARK.match(head)
    if mark and _words(head[mark.end() + 1 :]):
        prefix.append(head[: mark.end()])
        head = head[mark.end() + 1 :]
    crumbs = list(rules.breadcrumb.finditer(head))
    if crumbs:
        last = crumbs[-1]
        trail = head[: last.start()]
        short = all(
            0 < len(_words(c)) <= rules.breadcrumb_max_words for c in rules.breadcrumb.split(trail)
        )
        # One separator after a single word ("Back / ...") or a trail of several crumbs.
        if short and (len(crumbs) > 1 or len(_words(trail)) == 1) and _words(head[last.end() :]):
            prefix.append(head[: last.end() - 1])
            head = head[last.end() :]
    suffix = None
    cut = rules.suffix.search(head)
    if cut:
        tail = _words(head[cut.end() :])
        if (
            0 < len(tail) <= rules.suffix_max_words
            and _title_cased(tail)
            and len(_words(head[: cut.start()])) >= rules.headline_min_words
        ):
            suffix = head[cut.start() + 1 :]
            head = head[: cut.start()]
    return (" ".join(prefix) or None), head, suffix
