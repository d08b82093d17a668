"""The learned line scorer: gradient-boosted trees over a line's shallow features and its context
(its neighbours, its place relative to the rule-based story run, the residue around it).

The rule-based score (`split.line_score`) finds a first story run; this model then rates
every line with what the rules cannot weigh together (how far the line stands from that run,
whether its neighbours are prose, whether closing residue lies between), and the story run is
found again on its log-odds. Weights are package data (`rules/line_model.json`), written by
`scripts/train_lines.py` from a labelled corpus with site-grouped cross-validation; inference
walks the trees for all lines of a page at once in numpy.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from itertools import groupby
from typing import Any

import numpy as np

from . import trees
from .features import Features
from .teasers import is_kicker_teaser
from .trees import Trees
from .types import Line, Reason

_WINDOW = 2  # neighbours on each side whose prose share is a feature
_FAR = 50.0  # lines: distances beyond this count as "far"

FEATURES = (
    "log_words",
    "long",
    "stop_density",
    "sentence_end",
    "capitalised",
    "title_case_short",
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
)


MODEL = "line_model.json"


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


def vectors(
    kept: Sequence[Line],
    feats: Sequence[Features],
    scores: Sequence[float],
    run: tuple[int, int, int],
    closers: Sequence[int],
    removed: Sequence[int],
    opens: Sequence[bool],
    repeated: Sequence[bool],
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """One feature vector per kept line (a row), in the order of FEATURES. `run` is the
    rule-based story run over `kept`: (start, end of its best run, end after its extension);
    `closers` and `removed` are the sorted numbers of closing-residue and of all removed lines;
    `opens` and `repeated` say, per kept line, whether it opens a teaser block and whether its
    text recurs on the page.

    Column by column in numpy: a line at a time, a page of a hundred lines took 0.8 ms."""
    n = len(kept)
    start, best_end, end = run
    out = np.empty((n, len(FEATURES)))
    if not n:
        return out
    # What each line says by itself: FEATURES from "truncation_mark" to "digit_share", then
    # what the other features are computed from.
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
    out[:, 6:16] = own[:, :10]
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

    out[:, 0] = [math.log1p(w) for w in words.tolist()]
    out[:, 1] = capped / 80.0
    out[:, 2] = stop
    out[:, 3] = sentence
    out[:, 4] = capitalised
    out[:, 5] = (capitalised >= 0.7) & (words <= 12)
    out[:, 16] = repeated
    out[:, 17] = np.minimum(np.maximum(scores, -8.0), 6.0) / 6.0  # np.clip: 3x the time
    out[:, 18] = in_run
    out[:, 19] = before
    out[:, 20] = after
    out[:, 21] = np.minimum(start - k, _FAR) / _FAR * before
    out[:, 22] = np.minimum(k - end + 1, _FAR) / _FAR * after
    out[:, 23] = k / max(1, n - 1)
    out[:, 24] = above / total
    out[:, 25] = (total - above - prose_words) / total
    # Residue between a line and its neighbours: how many removed (or closing) lines there are
    # up to each line number, compared.
    previous = np.concatenate(([0.0], numbers[:-1]))
    following = np.concatenate((numbers[1:], numbers[-1:] + 1))
    r = np.searchsorted(
        removed, np.concatenate((previous, numbers - 1, numbers, following - 1)), side="right"
    ).reshape(4, n)
    out[:, 26] = r[1] > r[0]
    out[:, 27] = r[3] > r[2]
    last_run = kept[end - 1].number if end > 0 else 0
    c = np.searchsorted(
        closers, np.concatenate((previous, numbers, following, [last_run])), "right"
    )
    c_previous, c_here, c_following = c[:n], c[n : 2 * n], c[2 * n : 3 * n]
    out[:, 28] = c_here > c_previous
    out[:, 29] = c_following > c_here
    out[:, 30] = (c_here > c[-1]) * after
    # Prose share of the _WINDOW neighbours on each side.
    padded = np.concatenate((np.zeros(_WINDOW), prose, np.zeros(_WINDOW)))
    around = np.convolve(padded, np.ones(2 * _WINDOW + 1), mode="valid") - prose
    neighbours = np.minimum(n, k + _WINDOW + 1) - np.maximum(0, k - _WINDOW) - 1
    out[:, 31] = around / np.maximum(1, neighbours)
    out[:, 32] = np.concatenate(([0.0], prose[:-1]))
    out[:, 33] = np.concatenate((prose[1:], [0.0]))
    out[:, 34] = np.concatenate(([0.0], short[:-1]))
    out[:, 35] = np.concatenate((short[1:], [0.0]))
    out[:, 36] = short * after
    out[:, 37] = short * before
    out[:, 38] = prose * in_run
    out[:, 39] = extension
    out[:, 40] = extension * (1.0 if end == n and best_end < n else 0.0)
    # Link lists set inside a story (related headlines, a table of contents) are runs of
    # list-marked lines.
    out[:, 41] = [math.log1p(size) for size in _runs((out[:, 12] > 0).tolist())]
    prose_lengths = sorted(words[prose > 0].tolist())
    median = prose_lengths[len(prose_lengths) // 2] if prose_lengths else 20
    out[:, 42] = np.minimum(words / median, 4.0)
    # Where teaser blocks open after the rule run (a header, a kicker item, a title over a cut
    # lede): a story runs up to the first of them, whatever residue interrupts it on the way.
    # Inside the run such lines are the story's own (a "Note:" line, a "Related:" link).
    out[:, 43], out[:, 44] = _distances([j for j in range(best_end, n) if opens[j]], n)
    out[:, 45] = opens
    return out
