"""The learned line scorer: gradient-boosted trees over a line's shallow features and its context
(its neighbours, its place relative to the rule-based story run, the residue around it).

The rule-based score (`split.line_score`) finds a first story run; this model then rates
every line with what the rules cannot weigh together (how far the line stands from that run,
whether its neighbours are prose, whether closing residue lies between), and the story run is
found again on its log-odds. Weights are package data (`models/line/`), written by
`scripts/train_lines.py` from a labelled corpus with site-grouped cross-validation; inference
walks the trees for all lines of a page at once in numpy.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any

import numpy as np

from . import trees
from .features import Features
from .reading import NO_MARKS, Marks
from .teasers import is_kicker_teaser
from .trees import Trees
from .types import Line, Reason

_WINDOW = 2  # neighbours on each side whose prose share is a feature
# A content word: three letters or more (digits, ids and "of"-sized words say little of a
# topic), and not a stop word of the page's language.
_CONTENT = re.compile(r"[^\W\d_]{3,}")
_FAR = 50.0  # lines: distances beyond this count as "far"

# The line's own signals, in the order `vectors` reads them off its Features.
_OWN = (
    "truncation_mark",
    "kicker_teaser",
    "header",
    "byline",
    "dateline",
    "cjk",
    "list_mark",
    "ends_colon",
    "separators",
    "digit_share",
)
FEATURES = (
    "log_words",
    "long",
    "stop_density",
    "sentence_end",
    "capitalised",
    "title_case_short",
    *_OWN,
    "repeated",
    "rule_score",
    "in_run",
    "before_run",
    "after_run",
    "dist_before",
    "dist_after",
    "position",
    "prose_above",
    "prose_below",
    "gap_before",
    "gap_after",
    "closer_before",
    "closer_after",
    "closer_since_run",
    "window_prose",
    "prev_prose",
    "next_prose",
    "prev_short",
    "next_short",
    "short_after_run",
    "short_before_run",
    "prose_in_run",
    "in_extension",
    "extension_to_page_end",
    "list_run",
    "words_to_median",
    "block_ahead",
    "block_behind",
    "opens_block",
    "link_share",
    "heading",
    "window_links",
    "prose_echo",
    "self_repeat",
)


MODEL = "line"


def load() -> Trees:
    return trees.load(MODEL, FEATURES)


def from_json(data: dict[str, Any]) -> Trees:
    return trees.from_json(data, FEATURES, MODEL)


def _runs(flags: Sequence[bool]) -> list[int]:
    """For each position, the length of the run of consecutive True flags it belongs to."""
    out: list[int] = []
    for flag, group in groupby(flags):
        size = len(list(group))
        out += [size if flag else 0] * size
    return out


def residue_between(numbers: Sequence[int], a: int, b: int) -> bool:
    """Whether one of the sorted line `numbers` lies after line a, up to line b."""
    return bisect_right(numbers, b) > bisect_right(numbers, a)


def _distances(openers: Sequence[int], n: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """For each of n lines, how many kept lines lie to the nearest of the sorted `openers`
    strictly ahead of it and strictly behind it, scaled to [0, 1]; 1.0 when there is none or
    it is far."""
    if not openers:
        none = np.ones(n)
        return none, none
    k = np.arange(n, dtype=np.float64)
    at = np.array([*openers, np.inf])  # the sentinel answers "none ahead"
    i = np.searchsorted(at, k, side="right")
    ahead = np.minimum(at[i] - k, _FAR) / _FAR
    j = i - (at[i - 1] == k)  # an opener on the line itself is not behind it
    behind = np.where(j > 0, np.minimum(k - at[j - 1], _FAR) / _FAR, 1.0)
    return ahead, behind


def _vocabulary(
    kept: Sequence[Line], prose: np.ndarray[Any, Any], stops: frozenset[str]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per line, the share of its content words that the page's prose (its other prose
    lines) also uses, and the share of its words that repeat one before them in the line.

    A subheading of the story or a sign-off speaks the story's words; a share bar, a menu,
    a newsletter prompt and the headlines of other articles do not, whatever their phrasing.
    A widget line repeats its verb ("Share on Facebook Share on X Share by email")."""
    n = len(kept)
    words = [_CONTENT.findall(line.text.lower()) for line in kept]
    content = [{w for w in ws if w not in stops} for ws in words]
    used: Counter[str] = Counter()
    for k in np.flatnonzero(prose).tolist():
        used.update(content[k])
    echo, repeat = np.zeros(n), np.zeros(n)
    for k in range(n):
        own = content[k]
        if own:
            mine = 1 if prose[k] else 0  # a prose line's own words are not an echo
            echo[k] = sum(used[w] > mine for w in own) / len(own)
        if len(words[k]) > 1:
            repeat[k] = 1.0 - len(set(words[k])) / len(words[k])
    return echo, repeat


def vectors(
    kept: Sequence[Line],
    feats: Sequence[Features],
    scores: Sequence[float],
    run: tuple[int, int, int],
    closers: Sequence[int],
    removed: Sequence[int],
    opens: Sequence[bool],
    repeated: Sequence[bool],
    marks: Mapping[int, Marks] | None = None,
    *,
    stops: frozenset[str],
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """One feature vector per kept line (a row), its columns named by FEATURES. `run` is the
    rule-based story run over `kept`: (start, end of its best run, end after its extension);
    `closers` and `removed` are the sorted numbers of closing-residue and of all removed lines;
    `opens` and `repeated` say, per kept line, whether it opens a teaser block and whether its
    text recurs on the page; `marks` what a renderer's marks said of a line (reading.py);
    `stops` the page's stop words.

    Column by column in numpy: a line at a time, a page of a hundred lines took 0.8 ms."""
    n = len(kept)
    start, best_end, end = run
    if not n:
        return np.empty((0, len(FEATURES)))
    marks = marks or {}
    col: dict[str, Any] = {}
    own = np.array(
        [
            (
                f.truncation_mark,
                is_kicker_teaser(f),
                f.header is not None,
                f.weak is not None and f.weak[0] is Reason.BYLINE,
                f.weak is not None and f.weak[0] is Reason.DATELINE,
                f.cjk,
                f.list_mark,
                line.text.endswith(":"),
                f.separators,
                f.digit_share,
                f.words,
                f.stop_density,
                f.sentence_end,
                f.capitalised,
                line.number,
            )
            for line, f in zip(kept, feats, strict=True)
        ],
        dtype=np.float64,
    ).reshape(n, 15)
    for i, name in enumerate(_OWN):
        col[name] = own[:, i]
    cjk, words, stop, sentence, capitalised = own[:, 5], *own[:, 10:14].T
    numbers = own[:, 14]
    k = np.arange(n, dtype=np.float64)
    # Prose: a long line that ends a sentence and is rich in stop words (or is CJK).
    prose = ((words >= 12) & ((cjk > 0) | (stop >= 0.18)) & (sentence > 0)).astype(np.float64)
    capped = np.minimum(words, 80.0)
    prose_words = prose * capped
    total = float(prose_words.sum()) or 1.0
    above = np.cumsum(prose_words) - prose_words
    short = (words <= 8).astype(np.float64)
    before = (k < start).astype(np.float64)
    after = (k >= end).astype(np.float64)
    in_run = 1.0 - before - after
    extension = ((best_end <= k) & (k < end)).astype(np.float64)

    col["log_words"] = np.log1p(words)
    col["long"] = capped / 80.0
    col["stop_density"] = stop
    col["sentence_end"] = sentence
    col["capitalised"] = capitalised
    col["title_case_short"] = (capitalised >= 0.7) & (words <= 12)
    col["repeated"] = repeated
    col["rule_score"] = np.minimum(np.maximum(scores, -8.0), 6.0) / 6.0  # np.clip: 3x the time
    col["in_run"] = in_run
    col["before_run"] = before
    col["after_run"] = after
    col["dist_before"] = np.minimum(start - k, _FAR) / _FAR * before
    col["dist_after"] = np.minimum(k - end + 1, _FAR) / _FAR * after
    col["position"] = k / max(1, n - 1)
    col["prose_above"] = above / total
    col["prose_below"] = (total - above - prose_words) / total
    # Residue between a line and its neighbours: how many removed (or closing) lines there are
    # up to each line number, compared.
    previous = np.concatenate(([0.0], numbers[:-1]))
    following = np.concatenate((numbers[1:], numbers[-1:] + 1))
    r = np.searchsorted(
        removed, np.concatenate((previous, numbers - 1, numbers, following - 1)), side="right"
    ).reshape(4, n)
    col["gap_before"] = r[1] > r[0]
    col["gap_after"] = r[3] > r[2]
    last_run = kept[end - 1].number if end > 0 else 0
    c = np.searchsorted(
        closers, np.concatenate((previous, numbers, following, [last_run])), "right"
    )
    c_previous, c_here, c_following = c[:n], c[n : 2 * n], c[2 * n : 3 * n]
    col["closer_before"] = c_here > c_previous
    col["closer_after"] = c_following > c_here
    col["closer_since_run"] = (c_here > c[-1]) * after
    # Prose share of the _WINDOW neighbours on each side.
    padded = np.concatenate((np.zeros(_WINDOW), prose, np.zeros(_WINDOW)))
    around = np.convolve(padded, np.ones(2 * _WINDOW + 1), mode="valid") - prose
    neighbours = np.minimum(n, k + _WINDOW + 1) - np.maximum(0, k - _WINDOW) - 1
    col["window_prose"] = around / np.maximum(1, neighbours)
    col["prev_prose"] = np.concatenate(([0.0], prose[:-1]))
    col["next_prose"] = np.concatenate((prose[1:], [0.0]))
    col["prev_short"] = np.concatenate(([0.0], short[:-1]))
    col["next_short"] = np.concatenate((short[1:], [0.0]))
    col["short_after_run"] = short * after
    col["short_before_run"] = short * before
    col["prose_in_run"] = prose * in_run
    col["in_extension"] = extension
    col["extension_to_page_end"] = extension * (1.0 if end == n and best_end < n else 0.0)
    # Link lists set inside a story (related headlines, a table of contents) are runs of
    # list-marked lines.
    col["list_run"] = np.log1p(_runs((col["list_mark"] > 0).tolist()))
    prose_lengths = sorted(words[prose > 0].tolist())
    median = prose_lengths[len(prose_lengths) // 2] if prose_lengths else 20
    col["words_to_median"] = np.minimum(words / median, 4.0)
    # Where teaser blocks open after the rule run (a header, a kicker item, a title over a cut
    # lede): a story runs up to the first of them, whatever residue interrupts it on the way.
    # Inside the run such lines are the story's own (a "Note:" line, a "Related:" link).
    col["block_ahead"], col["block_behind"] = _distances(
        [j for j in range(best_end, n) if opens[j]], n
    )
    col["opens_block"] = opens
    # What a renderer's marks said: a line of links is a menu or a teaser list whatever its
    # words, and a heading is a title or a section's header.
    unit_marks = [marks.get(line.number, NO_MARKS) for line in kept]
    link = np.array([m.link_share for m in unit_marks], dtype=np.float64)
    col["link_share"] = link
    col["heading"] = np.array([m.heading > 0 for m in unit_marks], dtype=np.float64)
    padded_link = np.concatenate((np.zeros(_WINDOW), link, np.zeros(_WINDOW)))
    col["window_links"] = (
        np.convolve(padded_link, np.ones(2 * _WINDOW + 1), mode="valid") - link
    ) / np.maximum(1, neighbours)
    col["prose_echo"], col["self_repeat"] = _vocabulary(kept, prose, stops)
    out = np.empty((n, len(FEATURES)))
    for i, name in enumerate(FEATURES):
        out[:, i] = col[name]
    return out
