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


def _prose(f: Features) -> float:
    return 1.0 if f.words >= 12 and (f.cjk or f.stop_density >= 0.18) and f.sentence_end else 0.0


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


def _distance(sorted_indexes: Sequence[int], k: int, ahead: bool) -> float:
    """Kept lines from k to the nearest of `sorted_indexes` ahead of it (or behind it),
    scaled to [0, 1]; 1.0 when there is none or it is far."""
    i = bisect_right(sorted_indexes, k)
    if ahead:
        gap = sorted_indexes[i] - k if i < len(sorted_indexes) else _FAR
    else:
        j = i - 1 if i and sorted_indexes[i - 1] == k else i
        gap = k - sorted_indexes[j - 1] if j else _FAR
    return min(gap, _FAR) / _FAR


def vectors(
    kept: Sequence[Line],
    feats: Sequence[Features],
    scores: Sequence[float],
    run: tuple[int, int, int],
    closers: Sequence[int],
    removed: Sequence[int],
    opens: Sequence[bool],
    repeated: Sequence[bool],
) -> list[list[float]]:
    """One feature vector per kept line, in the order of FEATURES. `run` is the rule-based
    story run over `kept`: (start, end of its best run, end after its extension); `closers`
    and `removed` are the sorted numbers of closing-residue and of all removed lines; `opens`
    and `repeated` say, per kept line, whether it opens a teaser block and whether its text
    recurs on the page."""
    n = len(kept)
    start, best_end, end = run
    to_page_end = 1.0 if end == n and best_end < n else 0.0
    prose = [_prose(f) for f in feats]
    prose_words = [p * min(f.words, 80) for p, f in zip(prose, feats, strict=True)]
    total = sum(prose_words) or 1.0
    above = 0.0
    out: list[list[float]] = []
    last_run = kept[end - 1].number if end > 0 else 0
    # Link lists set inside a story (related headlines, a table of contents) are runs of
    # list-marked lines.
    marked = [f.list_mark for f in feats]
    list_run = _runs(marked)
    prose_lengths = sorted(f.words for f, p in zip(feats, prose, strict=True) if p)
    median = prose_lengths[len(prose_lengths) // 2] if prose_lengths else 20
    # Where teaser blocks open after the rule run (a header, a kicker item, a title over a cut
    # lede): a story runs up to the first of them, whatever residue interrupts it on the way.
    # Inside the run such lines are the story's own (a "Note:" line, a "Related:" link).
    openers = [k for k in range(best_end, n) if opens[k]]
    for k, (line, f) in enumerate(zip(kept, feats, strict=True)):
        text = line.text
        short = 1.0 if f.words <= 8 else 0.0
        before = 1.0 if k < start else 0.0
        after = 1.0 if k >= end else 0.0
        in_run = 1.0 - before - after
        prev_n = kept[k - 1].number if k else 0
        next_n = kept[k + 1].number if k + 1 < n else line.number + 1
        lo, hi = max(0, k - _WINDOW), min(n, k + _WINDOW + 1)
        window = (sum(prose[lo:hi]) - prose[k]) / max(1, hi - lo - 1)
        weak = f.weak[0] if f.weak else None
        out.append(
            [
                math.log1p(f.words),
                min(f.words, 80) / 80.0,
                f.stop_density,
                float(f.sentence_end),
                f.capitalised,
                1.0 if f.capitalised >= 0.7 and f.words <= 12 else 0.0,
                float(f.truncation_mark),
                float(is_kicker_teaser(f)),
                float(f.header is not None),
                float(weak is Reason.BYLINE),
                float(weak is Reason.DATELINE),
                float(f.cjk),
                float(marked[k]),
                1.0 if text.endswith(":") else 0.0,
                float(f.separators),
                f.digit_share,
                float(repeated[k]),
                max(-8.0, min(6.0, scores[k])) / 6.0,
                in_run,
                before,
                after,
                min(start - k, _FAR) / _FAR if before else 0.0,
                min(k - end + 1, _FAR) / _FAR if after else 0.0,
                k / max(1, n - 1),
                above / total,
                (total - above - prose_words[k]) / total,
                1.0 if residue_between(removed, prev_n, line.number - 1) else 0.0,
                1.0 if residue_between(removed, line.number, next_n - 1) else 0.0,
                1.0 if residue_between(closers, prev_n, line.number) else 0.0,
                1.0 if residue_between(closers, line.number, next_n) else 0.0,
                1.0 if after and residue_between(closers, last_run, line.number) else 0.0,
                window,
                prose[k - 1] if k else 0.0,
                prose[k + 1] if k + 1 < n else 0.0,
                1.0 if k and feats[k - 1].words <= 8 else 0.0,
                1.0 if k + 1 < n and feats[k + 1].words <= 8 else 0.0,
                short * after,
                short * before,
                prose[k] * in_run,
                1.0 if best_end <= k < end else 0.0,
                to_page_end * (1.0 if best_end <= k < end else 0.0),
                math.log1p(list_run[k]),
                min(f.words / median, 4.0),
                _distance(openers, k, ahead=True),
                _distance(openers, k, ahead=False),
                float(opens[k]),
            ]
        )
        above += prose_words[k]
    return out
