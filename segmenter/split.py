"""Title, body and teasers from the lines the cleaner kept.

1. Each line gets a rule score from its shallow features: long, stop-word-rich prose scores
   high; short link-like lines, block headers and cut-off teaser lines score low. The
   contiguous run of lines with the highest total (the maximum-sum subarray), extended to the
   next boundary, is a first guess at the story.
2. The learned line model (`linemodel.py`) rates every line again, with its neighbours, its
   distance from that first run and the residue around it as evidence; the story is the
   maximum-sum run of those log-odds (weighted by the line's length, as the scorer counts
   words), extended over the lines after it up to a teaser block or closing residue, or to the
   page's end when no residue follows and the model rates none of those lines clear residue
   (a page cut right after its story, a review that ends in its product box). The body
   is one block: a short line between good paragraphs stays in, a link list between the story
   and the footer stays out. This is the sequence decoding that DESIGN.md asks for, in its
   simplest exact form.
3. The title is the best headline-shaped line above the story (`title.py`).
4. The lines after the story are parsed for teaser blocks (`teasers.py`); the rest is residue.
   A comment thread (`comments.py`) bounds all of this: no line from its start on is story or
   teaser, however much prose the comments hold.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import linemodel
from .comments import thread_start
from .features import Features, features
from .linemodel import residue_between
from .options import Options
from .reading import Marks
from .teasers import (
    TITLE_MAX_WORDS,
    TailLine,
    dated_list,
    dated_tail,
    headline_shaped,
    heads_list,
    is_kicker_teaser,
    label_run,
    label_tail,
    lede_list,
    lede_tail,
    list_item,
    opens_block,
    parse_tail,
)
from .title import pick as pick_title
from .title import trim as trim_title
from .trees import Trees
from .types import Cleaned, Decision, Line, Piece, Reason, Removed, Split, Title

# A line of this many words with stop words is prose; its score grows with its length up to
# _GOOD_CAP words, so one long paragraph outweighs a few short link lines.
_GOOD_WORDS = 12
_GOOD_CAP = 80
_MIN_STOP = 0.18
# Only repeats of long lines are duplicates: short lines ("Price", "Pros") repeat as structure.
_DEDUPE_MIN_WORDS = 8
_PROSE_END = re.compile(r"[.!?。！？][\"'”’)\]]*$")
# What the story run pays to cross a closing residue line, and a dateline-shaped line.
_BARRIER = 4.0
_DATELINE_PENALTY = 2.0
# Residue that closes a story: the run pays to cross it, and its extension stops at it.
_STOP_REASONS = frozenset(
    {
        Reason.FOOTER,
        Reason.SHARE,
        Reason.NEWSLETTER,
        Reason.SUBSCRIPTION,
        Reason.COOKIE,
        Reason.NAVIGATION,
    }
)


# The learned model's log-odds at which a line is as likely body as not, at strictness 0.5.
_THRESHOLD = 0.0
# Pages with more kept lines than this are split by the rule scores alone: real article pages
# have a few hundred (dev's largest: 1,531 non-blank lines), and the model's cost is per line.
MODEL_MAX_LINES = 10_000
_STRICTNESS_SPAN = 2.0  # log-odds between strictness 0.0 and 1.0
# Inside the story, a line the model rates below these log-odds is left out (a caption, an ad
# line the rules missed), except in the story's last lines: its ending stays whole. Not after
# _KEEP_LAST lines were left out in a row, though: what follows a stretch of residue (the
# related links the run's extension went through) is not the story's ending.
_INSIDE_MIN, _KEEP_LAST = 0.0, 4
# ... and a line the run's extension took in is kept there only when it is not clearly residue.
_EXTENSION_MIN = -2.0
# The story's extension past its run stops at a line the model rates below these log-odds:
# close to the run only at clear residue (sign-offs and closing lists stay), further on at
# anything doubtful (what follows a story for many lines is rarely story).
_NEAR_LINES, _NEAR_MIN, _FAR_MIN = 6, -8.0, -4.0
# With no residue after the story (the page was cut there, or no rule knew its footer), the
# page ends with the story (a last list, a references section, a closing paragraph) when the
# model rates none of the lines after the run below this; else only closing sentences join it.
_TAIL_MIN = -2.25
# Interface lines that end the story's extension are cut off it when the model rates them
# below this: capitalised ones ("Facebook Twitter Email") and those without stop words ("Ad
# slot E - article bottom"), of at most _INTERFACE_WORDS words. Site-grouped 5-fold CV, mean
# of 3 arrangements, all three renderings, boundary / with half of every phrase list off: at
# -1.0 and 8 words (capitalised lines only) 0.9109 / 0.7502; at 0.0 and 10 words, lines
# without stop words included, 0.9008 / 0.8191; with lines that hold a comma or open on a
# dash left to the model (sign-offs: "Krystal Hernandez, Marketing", "— Rep. Ilhan Omar"),
# 0.9073 / 0.8136. What it still costs: sign-offs of a name alone ("Emmet White"), which
# read as a share bar does; what it buys: share bars, ad slots and prompts on 33 teaser pages.
_INTERFACE_MAX, _INTERFACE_WORDS = 0.0, 10
# A short lower-case non-sentence with stop words at the story's end is cut unless the model
# rates it above this. segmenter eval on dev, boundary / with half of every phrase list off,
# for the rule before capitalised lines were left out of it: no such cut 0.9256 / 0.6529; at
# 0.0 (not into the best run) 0.9201 / 0.7080; at 1.0 into the run 0.9174 / 0.7273; at 2.0
# 0.9174 / 0.7328. As shipped (capitalised lines left to _INTERFACE_MAX: "Reporting by Jane
# Doe" is a sign-off), at 2.0: 0.9229 / 0.7245; site-grouped CV 0.9063 -> 0.9036 / 0.6584
# -> 0.7273. The pages it costs end in a line the gold keeps ("Six common misconceptions
# about meditation"; "../Frenck", which the capitalised rule now cuts inside the best run).
_TRAIL_MAX = 2.0
_DATELINE_WORDS = 12  # a byline or dateline is at most this long
_ATTRIBUTION = ("—", "–", "-", "~")  # "— Jane Doe", the source of a quote or a letter
_LETTER = re.compile(r"[^\W\d_]")


def _weight(f: Features) -> float:
    """What a line's decision is worth: the scorer counts tokens, so long lines weigh more."""
    return math.log1p(f.words)


def line_score(f: Features, strictness: float) -> float:
    """How much a line looks like story prose (> 0) or like residue and teasers (< 0)."""
    if f.header:
        return -8.0
    if is_kicker_teaser(f):
        return -8.0
    if f.truncation_mark:
        return -3.0
    if f.words <= 12 and f.weak is not None and f.weak[0] is Reason.DATELINE:
        return -_DATELINE_PENALTY  # timestamps stand over comments and teasers, rarely in a story
    prose = f.cjk or f.stop_density >= _MIN_STOP
    if f.words >= _GOOD_WORDS and prose:
        score = 1.0 + min(f.words, _GOOD_CAP) / 15.0
        return score if f.sentence_end else -1.5 - strictness
    if f.words >= 6 and prose and f.sentence_end:
        return 0.6
    if f.stop_density > 0 and f.words >= 3:
        return -0.3 - strictness * 0.4
    return -0.8 - strictness * 0.4


def best_run(scores: Sequence[float]) -> tuple[int, int]:
    """[start, end) of the maximum-sum contiguous run; (0, 0) when every score is <= 0."""
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, s in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += s
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def extend_run(
    kept: Sequence[Line],
    feats: Sequence[Features],
    opens: Sequence[bool],
    end: int,
    closers: Sequence[int],
    last_removed: int = 0,
    logits: Sequence[float] | None = None,
) -> tuple[int, bool]:
    """The end of the story after extending the best run [.., end) up to a boundary, and
    whether the story ends the page (every line it took in is then its ending).

    After its best run, the story goes on over short lines (a sign-off, a closing list, a
    table) up to the first line that opens a teaser block (`opens`, per kept line) or the
    first closing residue line. `closers` are the sorted line numbers of residue lines that
    close a story (footer, share, ...); `last_removed` is the number of the page's last
    residue line; `logits` are the line model's ratings, which stop the extension at a line
    that is clearly not story. With no boundary ahead, the page's end is the story's if the
    model doubts none of the lines after the run; else only the closing sentences right after
    the run join it."""
    if end == 0:
        return end, False
    previous = kept[end - 1].number
    for k in range(end, len(kept)):
        # A closing residue line between the previous line and this one ends the story there.
        if residue_between(closers, previous, kept[k].number) or opens[k]:
            return k, False
        floor = _NEAR_MIN if k - end < _NEAR_LINES else _FAR_MIN
        if logits is not None and logits[k] < floor:
            return k, False
        previous = kept[k].number
    if last_removed > previous:
        return len(kept), False  # residue after the last line: the page's end is the boundary
    if logits is not None and all(g >= _TAIL_MIN for g in logits[end : len(kept)]):
        return len(kept), True
    # No boundary in sight: keep only the closing sentences (a sign-off, a one-line quote).
    k = end
    while k < len(kept) and _is_closing_sentence(feats[k]):
        k += 1
    return k, False


def _is_prose(line: Line, f: Features) -> bool:
    """A paragraph of the story, not a headline: long, with stop words, ending as sentences
    do (a headline may end in a quote, but not in a full stop)."""
    return (
        f.words >= _GOOD_WORDS
        and (f.stop_density > 0 or f.cjk)
        and bool(_PROSE_END.search(line.text))
    )


def _embedded_block(kept: Sequence[Line], feats: Sequence[Features], k: int, end: int) -> int:
    """End of the teaser block that kept[k], a header inside the story, opens: the lines up to
    the story's next paragraph, when they are all headline-shaped; else k + 1 (the header
    alone: what follows is the story's own, a product box or a table)."""
    j = k + 1
    while j < end:
        text = kept[j].text
        item = list_item(text)
        if item is None and _is_prose(kept[j], feats[j]):
            break
        # A list's items are its headlines, whatever their punctuation.
        if not (headline_shaped(text, feats[j]) or (item and feats[j].words <= TITLE_MAX_WORDS)):
            return k + 1
        j += 1
    return j


def _trails(line: Line, f: Features, logit: float) -> bool:
    """A line at the story's end that is a widget's or a menu's, not the story's: short, no
    sentence, not a 'Label: value' line ("Where to watch: Netflix") nor a list item (a story
    ends in its own lists: references, a review's pros and cons), nor a sign-off: a byline
    the rules know, or a sign-off's shape (a name and a role after a comma, an attribution
    after a dash, a rule of underscores). Capitalised or without stop words, it may be a
    sign-off ("Annette xxx") as well as a share bar or an ad slot, so only one the model
    doubts goes; with stop words and in lower case ("Sign up to our daily newsletter", "You
    may also like"), any the model does not rate clearly story."""
    if f.sentence_end or f.words > _INTERFACE_WORDS or f.cjk or f.list_mark:
        return False
    if f.weak is not None and f.weak[0] is Reason.BYLINE:
        return False  # "Reporting by Jane Doe": the rules know a sign-off
    text = line.text
    if ":" in text or "," in text or text.startswith(_ATTRIBUTION) or not _LETTER.search(text):
        return False
    if f.capitalised >= 0.5 or f.stop_density == 0:
        return logit < _INTERFACE_MAX
    return logit < _TRAIL_MAX


def _is_weak_meta(f: Features) -> bool:
    return f.weak is not None and f.words <= _DATELINE_WORDS and not f.sentence_end


def _is_closing_sentence(f: Features) -> bool:
    return f.sentence_end and not f.truncation_mark and (f.stop_density > 0 or f.cjk)


def _opens_story(f: Features, line: Line) -> bool:
    """A line that can be the first of the story: prose, not a byline or a date."""
    return f.words >= 6 and f.stop_density > 0 and f.weak is None


@dataclass(frozen=True, slots=True)
class Scored:
    """The kept lines' features and rule scores, whether each opens a teaser block and
    whether its text recurs on the page, the sorted numbers of the closing-residue and of all
    removed lines, and the learned model's input vectors."""

    feats: list[Features]
    scores: list[float]
    items: list[TailLine]  # the kept lines with their features, as teasers.py reads them
    opens: list[bool]
    ends: list[bool]  # opens, or heads a list of headlines (teasers.heads_list)
    repeated: list[bool]
    closers: list[int]
    removed: list[int]
    limit: int  # kept lines from here on are a comment thread (comments.py): never the story
    last: int  # number of the line where the story's extension meets the thread or page's end
    vectors: np.ndarray[Any, np.dtype[np.float64]]  # a row per kept line; none past the budget


def score_lines(
    cleaned: Cleaned,
    stops: frozenset[str],
    options: Options,
    marks: Mapping[int, Marks] | None = None,
) -> Scored:
    kept = cleaned.kept
    feats = [features(line.text, stops) for line in kept]
    scores = [line_score(f, options.strictness) for f in feats]
    closers = sorted(r.line for r in cleaned.removed if r.reason in _STOP_REASONS)
    # Crossing closing residue (a share bar, a footer, a comment marker) costs the story run.
    for k in range(1, len(kept)):
        if residue_between(closers, kept[k - 1].number, kept[k].number):
            scores[k] -= _BARRIER
    removed = sorted(r.line for r in cleaned.removed)
    items = [TailLine(line, f) for line, f in zip(kept, feats, strict=True)]
    opens = [opens_block(items, k) is not None for k in range(len(kept))]
    # Where the story's extension stops: a teaser block, or a list of headlines (bare, over
    # dates or over cut-off ledes, or under one label) under a line no header rule knows (the
    # line model learned `opens` alone, so it stays as it was).
    ends = [
        o
        or heads_list(items, k)
        or dated_list(items, k)
        or lede_list(items, k)
        or label_run(items, k)
        for k, o in enumerate(opens)
    ]
    counts = Counter(line.text for line in kept)
    repeated = [counts[line.text] > 1 for line in kept]
    limit, last = _thread_limit(cleaned, scores, removed)
    start, best_end = best_run(scores[:limit])
    end, _ = extend_run(kept[:limit], feats, opens, best_end, closers, last)
    vecs = (
        linemodel.vectors(
            kept,
            feats,
            scores,
            (start, best_end, end),
            closers,
            removed,
            opens,
            repeated,
            marks,
            stops=stops,
        )
        if len(kept) <= MODEL_MAX_LINES
        else np.empty((0, len(linemodel.FEATURES)))
    )
    return Scored(feats, scores, items, opens, ends, repeated, closers, removed, limit, last, vecs)


def _thread_limit(
    cleaned: Cleaned, scores: Sequence[float], removed: Sequence[int]
) -> tuple[int, int]:
    """The index of the first kept line of the comment thread (len(kept) when there is none)
    and the line number at which the story's extension meets the page's end or the thread.
    A thread before any prose is not one: the page may open on a comment count."""
    kept = cleaned.kept
    start = thread_start(cleaned)
    if start is None:
        return len(kept), _last(removed)
    limit = next((k for k, line in enumerate(kept) if line.number >= start), len(kept))
    if not any(score > 0 for score in scores[:limit]):
        return len(kept), _last(removed)
    return limit, start


def _last(numbers: Sequence[int]) -> int:
    return numbers[-1] if numbers else 0


@dataclass(frozen=True, slots=True)
class Story:
    """Where the story stands among the kept lines, [start, end); with the line model's
    rating of every kept line and what was left of `Scored` for the rest of the split."""

    feats: list[Features]
    logits: list[float]
    repeated: list[bool]
    start: int
    run_end: int  # end of the best run, before its extension to a boundary
    end: int
    shift: float
    removed: list[int]
    limit: int  # Scored.limit
    # The extension stopped at a list of headlines: what it took in before the list keeps
    # only its closing sentences ("To Read the Full Story" is not one).
    listed: bool = False
    # The page ends with the story (no residue after it, and none of the lines after its run
    # clearly residue): every line the extension took in is its ending, however many.
    ends_page: bool = False


def locate(
    cleaned: Cleaned,
    stops: frozenset[str],
    options: Options,
    model: Trees | None = None,
    marks: Mapping[int, Marks] | None = None,
) -> Story:
    kept = cleaned.kept
    scored = score_lines(cleaned, stops, options, marks)
    feats = scored.feats
    model = model or linemodel.load()
    shift = _THRESHOLD + _STRICTNESS_SPAN * (options.strictness - 0.5)
    # Past the model's line budget, the rules' own scores stand in (> 0 is prose, as well).
    big = len(kept) > MODEL_MAX_LINES
    logits = scored.scores if big else model.logits(scored.vectors)
    scores = [(g - shift) * _weight(f) for g, f in zip(logits, feats, strict=True)]
    limit = scored.limit
    start, run_end = best_run(scores[:limit])
    end, ends_page = extend_run(
        kept[:limit], feats, scored.ends, run_end, scored.closers, scored.last, logits
    )
    # The story does not end in a header over dated headlines that run to its end ("More
    # Health stories", a headline, "Jun 22, 2024"): a teaser block, whatever its header says.
    header = dated_tail(scored.items, start, end)
    if header is not None:
        end = header
    # Nor in interface lines that no rule named ("Facebook Twitter Email",
    # "Comments", "Share this article"): short non-sentences (`_trails`).
    # Only right after a sentence: a list the story introduced ("July 3 -- Xfinity Center") is
    # the story's, whatever its last line looks like.
    cut = end
    floor = start + 1  # such a line ends the best run too when the model liked its words
    while cut > floor and _trails(kept[cut - 1], feats[cut - 1], logits[cut - 1]):
        cut -= 1
    # Nor in headlines over cut-off ledes that the model liked enough to take into the run.
    block = lede_tail(scored.items, start, cut)
    if block is not None:
        end = block
    # After a list item, too (the list stays whole), unless the page ends with the story.
    elif cut < end:
        after = feats[cut - 1]
        # Or before a teaser block or a list of headlines: the story did not introduce it.
        ahead = end < limit and scored.ends[end]
        if cut == run_end or after.sentence_end or (after.list_mark and not ends_page) or ahead:
            end = cut
    # Nor in a line that opens a teaser block ("Read more: <headline>"): the extension stops
    # at one, and the run took it in only because the model liked its headline's words.
    # Site-grouped CV (as for _INTERFACE_MAX): boundary 0.9109 -> 0.9155, ablated 0.7502 ->
    # 0.7548.
    while end > start + 1 and scored.opens[end - 1]:
        end -= 1
    # Nor in lines that carry one label no rule knows, two or more running ("More: <title>").
    # Site-grouped CV (as for _INTERFACE_MAX), boundary with half of every phrase list off:
    # 0.8770 -> 0.8806; with all phrases, and every body F1, unchanged.
    labelled = label_tail(scored.items, start, end)
    if labelled is not None:
        end = labelled
    listed = end < limit and scored.ends[end] and not scored.opens[end]
    return Story(
        feats,
        logits,
        scored.repeated,
        start,
        run_end,
        end,
        shift,
        scored.removed,
        limit,
        listed,
        ends_page,
    )


def split(
    cleaned: Cleaned,
    stops: frozenset[str],
    options: Options,
    url: str | None = None,
    model: Trees | None = None,
    title_model: Trees | None = None,
    marks: Mapping[int, Marks] | None = None,
) -> Split:
    """Title, body, teasers and residue of the kept lines; `marks` are what a renderer's marks
    said of them (reading.py), by line number."""
    kept = cleaned.kept
    story = locate(cleaned, stops, options, model, marks)
    feats, logits, shift = story.feats, story.logits, story.shift
    start, end = story.start, story.end

    removed: list[Removed] = []
    decisions: list[Decision] = []
    explain = options.explain

    title_index, title_score = pick_title(kept, story, stops, url, title_model, marks)
    title = None
    if title_index is not None:
        t = kept[title_index]
        prefix, headline, suffix = trim_title(t.text)
        title = Title(headline, t.number, prefix, suffix)
        if explain:
            decisions.append(
                Decision(t.number, "title", "best-title-candidate", round(title_score, 3))
            )
    # The story starts under its headline: lines between the title and the best run join the
    # story unless they are prose-less residue (bylines, datelines, link-like lines).
    body_start = start + 1 if title_index == start else start
    if title_index is not None and title_index < start and options.backfill:
        body_start = title_index + 1
        while body_start < start and not _opens_story(feats[body_start], kept[body_start]):
            body_start += 1
    # A story does not open on its byline or dateline, whatever the model made of it.
    while body_start < end - 1 and _is_weak_meta(feats[body_start]):
        body_start += 1

    for k in range(body_start):
        if k == title_index:
            continue
        line = kept[k]
        short = feats[k].words <= 8
        reason, rule = feats[k].weak or (
            Reason.NAVIGATION if short else Reason.OTHER,
            "before-story",
        )
        removed.append(Removed(line.text, line.number, reason, rule))
        if explain:
            decisions.append(Decision(line.number, "removed", rule, round(logits[k], 3)))

    body: list[Piece] = []
    seen: set[str] = {title.line_text} if title else set()
    left_out = 0  # lines left out since the last one the model rated as story
    listing = False  # under a story line that ends in a colon, before the story resumes
    teaser_end = 0  # end of a teaser block inside the story
    # The story starts under a block header ("Most Popular") and its list: no story.
    above = body_start - 1
    while above >= 0 and list_item(kept[above].text):
        above -= 1
    if 0 <= above < body_start < end and feats[above].header:
        teaser_end = _embedded_block(kept, feats, above, end)
    for k in range(body_start, end):
        line = kept[k]
        repeat = line.text in seen and (feats[k].words >= _DEDUPE_MIN_WORDS or k == body_start)
        if options.dedupe and repeat:
            removed.append(Removed(line.text, line.number, Reason.DUPLICATE, "repeated-line"))
            if explain:
                decisions.append(Decision(line.number, "removed", "repeated-line"))
            continue
        if k < teaser_end or (k > body_start and feats[k].header):
            # A teaser block inside the story ("Most read" mid-page): its header, and its
            # headlines up to where the story's prose resumes.
            if k >= teaser_end:
                teaser_end = _embedded_block(kept, feats, k, end)
            header = feats[k].header
            reason, rule = (
                (Reason.RELATED_HEADER, header) if header else (Reason.OTHER, "embedded-teaser")
            )
            removed.append(Removed(line.text, line.number, reason, rule))
            if explain:
                decisions.append(Decision(line.number, "removed", rule, round(logits[k], 3)))
            continue
        rating = logits[k] - shift
        ending = (story.ends_page and k >= story.run_end) or (
            k >= end - _KEEP_LAST
            and (
                k < story.run_end
                or (
                    rating >= _EXTENSION_MIN
                    and (not story.listed or _is_closing_sentence(feats[k]))
                )
            )
            and left_out < _KEEP_LAST
        )
        # A list the story introduced ("Tour dates:") is the story's, unless clearly residue.
        introduced = listing and rating >= _EXTENSION_MIN
        if rating < _INSIDE_MIN and body_start < k and not ending and not introduced:
            left_out += 1
            weak = feats[k].weak
            reason = weak[0] if weak else Reason.OTHER
            removed.append(Removed(line.text, line.number, reason, "line-model"))
            if explain:
                score = round(logits[k], 3)
                decisions.append(Decision(line.number, "removed", "line-model", score))
            continue
        if rating >= _INSIDE_MIN:
            left_out = 0
        if line.text.endswith(":"):
            listing = True
        elif listing and _is_prose(line, feats[k]):
            listing = False
        seen.add(line.text)
        body.append(Piece(line.text, line.number))
        if explain:
            listed = rating < _INSIDE_MIN and introduced and not ending
            rule = "introduced-list" if listed else "story-run"
            decisions.append(Decision(line.number, "body", rule, round(logits[k], 3)))

    tail = [
        TailLine(
            kept[k],
            feats[k],
            joined=k == 0 or not residue_between(story.removed, kept[k - 1].number, kept[k].number),
        )
        for k in range(end, story.limit)
    ]
    teasers, tail_removed, tail_decisions = parse_tail(tail, explain)
    removed.extend(tail_removed)
    thread = kept[story.limit :]
    removed.extend(
        Removed(line.text, line.number, Reason.FOOTER, "comment-thread") for line in thread
    )
    if explain:
        decisions.extend(tail_decisions)
        decisions.extend(Decision(line.number, "removed", "comment-thread") for line in thread)
        decisions.extend(Decision(r.line, "removed", r.rule) for r in cleaned.removed)

    all_removed = sorted([*cleaned.removed, *removed], key=lambda r: r.line)
    return Split(
        title=title,
        body=tuple(body),
        teasers=tuple(teasers),
        removed=tuple(all_removed),
        decisions=tuple(sorted(decisions, key=lambda d: d.line)),
    )
