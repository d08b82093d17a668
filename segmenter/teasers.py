"""Teaser blocks after the story: block headers, and teaser items in the formats pages use.

Formats (each yields one `Teaser`, its per-item prefix kept out of `text`):
  kicker     `‘KICKER’: standfirst and lede cut off mid-sentence` on one line
  label      `Related: <title>`, `Read more: <title>`
  numbered   `1 <title>`, `1. <title>`, `01 <title>`, or the number alone on the line above
  bullet     `* <title>`
  card       SECTION line, title, optional lede, optional `By <author>`, optional `N min read`
  title+lede title line, then a lede line (often cut off, or ending in `…` / `Read more`)
  title+meta title line, then date / byline / reading-time lines ("More from ..." lists)
  title      a bare title line inside a block opened by a header or a teaser
A line that fits none of them is residue after the story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .features import Features
from .ruleset import blocks, key_of
from .types import Decision, Line, Reason, Removed, Teaser

_NUMBERED = re.compile(r"^(\d{1,2})[.)]?\s+(\S.*)$")
_NUMBER_ALONE = re.compile(r"^(\d{1,2})[.)]?$")
_BULLET = re.compile(r"^([*+•·▪–-])\s+(\S.*)$")
_SECTION = re.compile(r"^[A-Z][A-Z&'’ -]{1,30}$")
_SIGNED = re.compile(r"[.!?][\"'”’]?\s+[–—-]\s+\w")  # "... again. – Jane Doe, engineer"
_LETTER_RUN = re.compile(r"[^\W\d_]{2}")
# A year, or a day or a count before its word ("19 hours", "15 August", "3. december"): not a
# model number ("Deco X55"), a counter ("Comments 0") or a street number ("130 West St").
_YEAR = re.compile(r"(?<!\w)(?:19|20)\d\d(?!\w)")
_DATE_NUMBER = re.compile(_YEAR.pattern + r"|(?<!\w)\d{1,2}\.? [^\W\d_]")
# "2. Select a server" is a list's item, "3. Dezember 2025" a date.
_LIST_NUMBER = re.compile(r"\d{1,3}[.)]\s")
_NOT_A_DATE = re.compile(r"[:|×$€£¥%+()]|\d[.,]\d|\d{5}")
_LABELLED = re.compile(r"^([^\W\d][^:]{0,24}):\s+(\S.*)$")  # "More: What is Mesh WiFi?"
_LABEL_WORDS = 2  # "More", "Read more", "Also read"
_READ_TIME = re.compile(r"^\d{1,3}\s*(min|mins|minute|minutes)\.?\s*(read)?$", re.IGNORECASE)
TITLE_MAX_WORDS = 22  # a headline, and a teaser list's item: longer is a paragraph
# "So there you have it! The first 6 steps ...!": sentences, not a headline.
_TWO_SENTENCES = re.compile(r"(?:[a-z]{3}\.|[!?]) +[A-Z].*[.!?]$")
_LEDE_MIN_WORDS = 6
_PAIRED_WORDS = 10
# Outside a block, a lede cut off mid-sentence without a mark is at least this long. Site-
# grouped CV (as for split._INTERFACE_MAX), teaser F1 / with half of every phrase list off:
# any length 0.9748 / 0.8494; 12 words 0.9776 / 0.8728 (a share prompt cut off a story was a
# "lede" under the line above it).
_CUT_LEDE_WORDS = 12
_CARD_TITLE_MIN_WORDS = 3  # "FSC" over "Fair trade" is a product's attributes, not a card
_KICKER_MIN_WORDS = 8
# A list of headlines under a short line that no header rule knows ("In this series"): the
# line heads a teaser block when this many bullet items follow it, most of them in title case.
_LIST_HEADER_MAX_WORDS = 6
_LIST_MIN_ITEMS = 2
# Headlines over their dates end the story's extension, as a list of headlines does; the
# header above them ("More Health stories") is cut off by split.py as an interface line.
# Site-grouped 5-fold CV, mean of 3 arrangements, boundary / with half of every phrase list
# off: none 0.9118 / 0.8182; two dated headlines or more 0.9118 / 0.8274 (teaser F1 with
# half off 0.8728 -> 0.8867); with `dated_tail` and the cut after a list item as well,
# 0.9118 / 0.8274 (0.8893). One is a sign-off as often as a teaser ("Jane Doe" over
# "March 3, 2024"), unless a header stands above it at the end of the story's text.
_DATED_MIN_ITEMS = 2
# A date no rule knows counts by its shape (`_date_shaped`): in the same CV, boundary / with
# half off 0.9118 / 0.8623 -> 0.9118 / 0.8770. Any short line with a digit instead: 0.9091
# / 0.8742 (tables in the story: "6 Mississippi $64.12", "2. Select Server Size").
_DATE_WORDS = 4  # "Monday 15 August 2025"
_DATE_LINES = 3  # a date, a byline and a reading time under one headline
# Headlines over ledes cut off mid-sentence without a mark ("... when the"), this many pairs
# or more, end the story where they begin, under a header no rule knows or none: a story's
# paragraphs end their sentences. Site-grouped CV (as for _DATED_MIN_ITEMS), boundary / with
# half of every phrase list off: 0.9118 / 0.8274 -> 0.9118 / 0.8522 (teaser F1 with half off
# 0.8893 -> 0.9121; body F1 of each rendering unchanged or up). One pair alone is a story's
# subheading over a paragraph that ends in a link as often.
_LEDE_MIN_PAIRS = 2
# Headlines run to sentence length; a story's own lists of names and places do not.
_HEADLINE_MIN_WORDS, _HEADLINE_MEAN_WORDS = 4, 6
_PROSE_WORDS = 12
# Share of capitalised words in a title-case headline: "The Best Electric Scooters". A list's
# items need not all be ("The best workout earbuds 2026" among them), most must.
_HEADLINE_CAPITALS = 0.5


@dataclass(frozen=True, slots=True)
class TailLine:
    line: Line
    features: Features
    # False when a removed line stands between this line and the previous one: a teaser
    # spanning both would also span that line, which is accounted for elsewhere.
    joined: bool = True


def is_kicker_teaser(f: Features) -> bool:
    """`‘KICKER’: standfirst and lede cut off mid-sentence`: a teaser line wherever it stands."""
    return bool(f.kicker) and f.words >= _KICKER_MIN_WORDS and not f.sentence_end


def list_item(text: str) -> str | None:
    """The text of a bulleted or numbered list item ("* Title", "3. Title"), or None."""
    m = _BULLET.match(text) or _NUMBERED.match(text)
    return m.group(2) if m else None


def _next(items: Sequence[TailLine], i: int) -> TailLine | None:
    """The line after items[i] if a multi-line teaser may take both."""
    if i + 1 < len(items) and items[i + 1].joined:
        return items[i + 1]
    return None


def label_of(text: str) -> tuple[str, str] | None:
    """`Related: Title` -> ("Related", "Title")."""
    i = text.find(":", 0, 40)
    if i < 1:
        return None
    rest = text[i + 1 :].strip()
    if rest and key_of(text[:i]) in blocks().labels:
        return text[:i].strip(), rest
    return None


def _is_title(t: TailLine) -> bool:
    return headline_shaped(t.line.text, t.features) and not _is_meta(t)  # regex-backed last


def headline_shaped(text: str, f: Features) -> bool:
    """Short, capitalised, and not ending in a full stop: the shape of a headline."""
    if not 1 <= f.words <= TITLE_MAX_WORDS or f.kicker:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    if _TWO_SENTENCES.search(text):
        return False
    return text[0].isupper() or text[0].isdigit() or text[0] in "‘'\"“¿¡" or f.cjk


def _second_title(cur: TailLine, nxt: TailLine) -> bool:
    """Whether `nxt`, under the headline `cur` in a block, is the next item's headline rather
    than `cur`'s lede: headline-shaped and no longer than a headline next to it runs (a lede
    cut off mid-sentence is headline-shaped too, but longer)."""
    return _is_title(nxt) and nxt.features.words <= max(cur.features.words, _PAIRED_WORDS)


def _is_lede(t: TailLine) -> bool:
    return t.features.words >= _LEDE_MIN_WORDS and t.features.header is None


def _is_meta(t: TailLine) -> bool:
    if t.features.words > 12:
        return False  # a reading time ("5 min read") is shorter too
    return t.features.weak is not None or bool(_READ_TIME.match(t.line.text))


def _truncated(t: TailLine) -> bool:
    return t.features.truncation_mark or not t.features.sentence_end


def _cut_off(t: TailLine) -> bool:
    """A lede cut off: marked so, or a long line that stops mid-sentence ("Sign up to our
    daily newsletter" is too short to have been cut)."""
    f = t.features
    return f.truncation_mark or (not f.sentence_end and f.words >= _CUT_LEDE_WORDS)


def _teaser(
    lines: Sequence[TailLine],
    title: str | None,
    parts: Sequence[str],
    truncated: bool,
    kicker: str | None = None,
    label: str | None = None,
) -> Teaser:
    first, last = lines[0].line.number, lines[-1].line.number
    return Teaser(
        kicker=kicker,
        title=title,
        text="\n".join(parts),
        truncated=truncated,
        line=first,
        end_line=last if last != first else None,
        label=label,
    )


def _card_title(items: Sequence[TailLine], i: int) -> bool:
    """Whether the line after items[i] (a section name) is a card's title: headline-shaped,
    or any short line that a reading time or a date follows ("standalone binaries ... /
    6 min read")."""
    nxt = _next(items, i)
    if nxt is None or _is_meta(nxt):
        return False
    after = _next(items, i + 1)
    if after is not None and _is_meta(after):
        return nxt.features.words <= TITLE_MAX_WORDS
    return _is_title(nxt) and nxt.features.words >= _CARD_TITLE_MIN_WORDS


def _meta_run(items: Sequence[TailLine], j: int) -> int:
    """Index after the date / byline / reading-time lines starting at j."""
    while j < len(items) and items[j].joined and _is_meta(items[j]):
        j += 1
    return j


def parse_tail(
    items: Sequence[TailLine], explain: bool = False
) -> tuple[list[Teaser], list[Removed], list[Decision]]:
    """Teasers, block headers and residue among the lines after the story (and, with
    `explain`, the rule that decided each line)."""
    teasers: list[Teaser] = []
    removed: list[Removed] = []
    decisions: list[Decision] = []
    in_block = False
    # List numbers must count up from 1: "12 Best Mailchimp Alternatives" is a title, not item 12.
    expected_number = 1
    i, n = 0, len(items)

    def take(teaser: Teaser, rule: str, count: int) -> None:
        nonlocal i, in_block
        teasers.append(teaser)
        if explain:
            for k in range(i, i + count):
                decisions.append(Decision(items[k].line.number, "teaser", rule))
        i += count
        in_block = True

    while i < n:
        cur = items[i]
        text, f = cur.line.text, cur.features
        nxt = _next(items, i)
        hdr = f.header or ("list-header" if heads_list(items, i) else None)
        if hdr:
            removed.append(Removed(text, cur.line.number, Reason.RELATED_HEADER, hdr))
            if explain:
                decisions.append(Decision(cur.line.number, "removed", hdr))
            in_block = True
            expected_number = 1
            i += 1
            continue
        if f.kicker and f.words >= _KICKER_MIN_WORDS:
            body = text[text.find(": ") + 2 :].strip()
            take(_teaser([cur], None, [body], _truncated(cur), kicker=f.kicker), "kicker", 1)
            continue
        lab = label_of(text)
        if lab:
            take(_teaser([cur], lab[1], [lab[1]], False, label=lab[0]), "label", 1)
            continue
        # Lists and numbers are teasers only under a block header: a story has lists too.
        m = _NUMBERED.match(text) if in_block else None
        if m and int(m.group(1)) != expected_number:
            m = None
        m = m or (_BULLET.match(text) if in_block else None)
        if m and f.words <= TITLE_MAX_WORDS + 1:
            rule = "numbered" if m.re is _NUMBERED else "bullet"
            if rule == "numbered":
                expected_number += 1
            take(_teaser([cur], m.group(2), [m.group(2)], False, label=m.group(1)), rule, 1)
            continue
        number = _NUMBER_ALONE.match(text)
        if (
            in_block
            and number
            and int(number.group(1)) == expected_number
            and nxt
            and _is_title(nxt)
        ):
            expected_number += 1
            t = nxt.line.text
            take(_teaser([cur, nxt], t, [t], False, label=text), "numbered", 2)
            continue
        if nxt is not None and _SECTION.match(text) and _card_title(items, i):
            j = i + 2
            if (
                _next(items, i + 1)
                and _is_lede(items[j])
                and not _SECTION.match(items[j].line.text)
            ):
                j += 1
            j = _meta_run(items, j)
            group = items[i:j]
            parts = [g.line.text for g in group[1:]]
            trunc = any(g.features.truncation_mark for g in group[2:])
            take(_teaser(group, nxt.line.text, parts, trunc, kicker=text), "card", j - i)
            continue
        title = _is_title(cur)
        if title and nxt is not None:
            # A lede is cut off or reads as a sentence; a second headline is a teaser of its own.
            lede = _is_lede(nxt) and (
                nxt.features.truncation_mark
                or not (_is_title_block_start(nxt) or (in_block and _second_title(cur, nxt)))
            )
            if lede and (in_block or _cut_off(nxt)):
                j = _meta_run(items, i + 2)
                group = items[i:j]
                parts = [g.line.text for g in group]
                take(_teaser(group, text, parts, _truncated(nxt)), "title+lede", j - i)
                continue
            if _is_meta(nxt):
                j = _meta_run(items, i + 1)
                group = items[i:j]
                take(_teaser(group, text, [g.line.text for g in group], False), "title+meta", j - i)
                continue
        if in_block and title:
            take(_teaser([cur], text, [text], False), "title", 1)
            continue
        reason, rule = f.weak or (Reason.FOOTER, "after-story")
        removed.append(Removed(text, cur.line.number, reason, rule))
        if explain:
            decisions.append(Decision(cur.line.number, "removed", rule))
        i += 1
    return teasers, removed, decisions


def _headline_item(t: TailLine, number: int) -> bool:
    """`* A headline`, or `3 A headline` as the list's `number`th item: a short list line that
    is not a sentence of the story's own list."""
    text, f = t.line.text, t.features
    m = _BULLET.match(text)
    if m is None:
        m = _NUMBERED.match(text)
        # A numbered headline is one phrase; "1. Doe, J. (2020). Floods" is a reference.
        if m is None or int(m.group(1)) != number or ". " in m.group(2):
            return False
    if not _HEADLINE_MIN_WORDS <= f.words <= TITLE_MAX_WORDS:
        return False
    item = m.group(2)
    return item[0].isupper() or item[0].isdigit()


def _is_prose(f: Features) -> bool:
    return f.words >= _PROSE_WORDS and f.sentence_end and f.stop_density > 0


def _header_shaped(t: TailLine) -> bool:
    """A short capitalised line that is no sentence nor a list item: a block header's shape."""
    text, f = t.line.text, t.features
    if not 1 <= f.words <= _LIST_HEADER_MAX_WORDS or f.sentence_end or not text[0].isupper():
        return False
    return list_item(text) is None


def heads_list(items: Sequence[TailLine], i: int) -> bool:
    """Whether items[i] is a short title-like line over a list of headlines."""
    if not _header_shaped(items[i]):
        return False
    j = i + 1
    while j < len(items) and items[j].joined and _headline_item(items[j], j - i):
        j += 1
    listed = items[i + 1 : j]
    words = [t.features.words for t in listed]
    if len(words) < _LIST_MIN_ITEMS or sum(words) < _HEADLINE_MEAN_WORDS * len(words):
        return False
    titled = sum(
        t.features.capitalised >= _HEADLINE_CAPITALS and not t.line.text.endswith(".")
        for t in listed
    )
    if titled * 2 < len(listed):
        return False
    # A story that goes on after the list had the list in it (a reading list, sources); a
    # teaser block after it is not the story going on.
    return j == len(items) or not _is_prose(items[j].features) or bool(opens_block(items, j))


def _date_shaped(t: TailLine) -> bool:
    """A date's shape in any language ("19 hours ago", "vor 2 Stunden", "15 août 2025"): a
    few words, a year or a day among them, no sentence, no price, share, decimal figure or
    cell separator (a table's "6 Mississippi $64.12", "Rhode Island 84.5", "RAM | 192 GB")."""
    f, text = t.features, t.line.text
    return (
        f.words <= _DATE_WORDS
        and not f.sentence_end
        and _DATE_NUMBER.search(text) is not None
        and _LETTER_RUN.search(text) is not None
        and _NOT_A_DATE.search(text) is None
        and (_LIST_NUMBER.match(text) is None or _YEAR.search(text) is not None)
        and _BULLET.match(text) is None
    )


def _dated(title: TailLine, meta: TailLine) -> bool:
    """Whether `meta`, under the headline `title`, is its date or byline: one the rules know,
    or one of a date's shape under a headline that is none (a table's rows are alike) and
    runs to a headline's length ("Starter" / "5 seats, 1 room" is a table's row)."""
    if _is_meta(meta):
        return True
    return (
        title.features.words >= _HEADLINE_MIN_WORDS
        and _date_shaped(meta)
        and not _date_shaped(title)
    )


def _dated_run(items: Sequence[TailLine], title: int) -> int:
    """Index after the headline items[title]'s date and byline lines, _DATE_LINES at most (a
    long run of number lines is a table, and the walk stays linear)."""
    j, last = title + 1, min(len(items), title + 1 + _DATE_LINES)
    while j < last and items[j].joined and _dated(items[title], items[j]):
        j += 1
    return j


def dated_list(items: Sequence[TailLine], i: int) -> bool:
    """Whether items[i] starts a list of headlines each over its date or byline ("Top 10 Home
    Gym Must Haves" / "Jun 22, 2024"), _DATED_MIN_ITEMS of them or more: a story's own list
    rarely has a headline over every date."""
    if i and items[i - 1].line.text.endswith(":"):
        return False  # "Tour dates:" introduces the story's own list of dated lines
    j = i
    for _ in range(_DATED_MIN_ITEMS):
        nxt = _next(items, j)
        if nxt is None or not _dated(items[j], nxt) or not _is_title(items[j]):
            return False
        j = _dated_run(items, j)
    return True


def dated_tail(items: Sequence[TailLine], start: int, end: int) -> int | None:
    """Where a header-shaped line ("More Health stories") over dated headlines that run up to
    `end` stands among items[start + 1:end], however few the headlines: the teaser block the
    story's text ends on. None when the lines before `end` are not such a block."""
    j = end
    while True:
        # The headline whose date and byline lines end at j, if one does.
        tops = range(j - 2, max(start, j - 2 - _DATE_LINES), -1)
        t = next((t for t in tops if _is_title(items[t]) and _dated_run(items, t) == j), None)
        if t is None:
            break
        j = t
    header = j - 1
    # With none of them before `end`, the header stands over a dated list that starts there.
    if (j == end and not dated_list(items, end)) or header <= start:
        return None
    # "Tour dates:" introduces the story's own list of dated lines: a colon ends a sentence,
    # which no header-shaped line does.
    top = items[header]
    if not _header_shaped(top) or _is_meta(top):
        return None
    return header


def _lede_pair(items: Sequence[TailLine], i: int) -> bool:
    """Whether items[i] is a headline over a lede cut off mid-sentence (items[i + 1])."""
    lede = _next(items, i)
    if lede is None:
        return False
    title = items[i]
    # A lede is written in sentence case, and a quote signed "– Jane Doe, CTO" was not cut.
    # (Its features first: they turn away most lines, a story's, at once.)
    f = lede.features
    if not (_is_lede(lede) and _cut_off(lede) and f.capitalised < _HEADLINE_CAPITALS):
        return False
    if _SIGNED.search(lede.line.text):
        return False
    text = title.line.text
    if text.endswith(":"):
        return False  # "Sunday. Tempo run (60 mins):" introduces the story's own lines
    return _is_title(title) and not _is_title_block_start(title) and not _SECTION.match(text)


def lede_list(items: Sequence[TailLine], i: int) -> bool:
    """Whether items[i] starts _LEDE_MIN_PAIRS headlines or more, each over a lede cut off
    mid-sentence: a story's paragraphs end their sentences."""
    return all(_lede_pair(items, i + 2 * n) for n in range(_LEDE_MIN_PAIRS))


def lede_tail(items: Sequence[TailLine], start: int, end: int) -> int | None:
    """Where headlines over cut-off ledes that run up to `end` begin among items[start + 1:
    end], _LEDE_MIN_PAIRS of them or more, with the header-shaped line over them if there is
    one ("You may also like"); None when the story's text does not end so."""
    j = end
    while j - 2 > start and _lede_pair(items, j - 2):
        j -= 2
    if (end - j) // 2 < _LEDE_MIN_PAIRS:
        return None
    return j - 1 if j - 1 > start and _header_shaped(items[j - 1]) else j


def _labelled(t: TailLine) -> str | None:
    """The label of a `Label: Headline` line ("More: What is Mesh WiFi?"), or None."""
    if t.line.text.find(":", 1, 26) < 0:
        return None  # most lines: no label's colon, and no regex asked
    m = _LABELLED.match(t.line.text)
    if m is None or not m.group(1)[0].isupper():
        return None  # "libgccjit: Allow casts ...": a changelog's items, not a label
    if len(m.group(1).split()) > _LABEL_WORDS or t.features.words > TITLE_MAX_WORDS:
        return None
    head = m.group(2)
    return m.group(1).casefold() if head[0].isupper() or head[0].isdigit() else None


def label_run(items: Sequence[TailLine], i: int) -> bool:
    """Whether items[i] and the line after it carry the same label before a headline, a
    label no rule needs to know: a story does not open two lines running with one word."""
    nxt = _next(items, i)
    if nxt is None:
        return False
    label = _labelled(items[i])
    return label is not None and _labelled(nxt) == label


def label_tail(items: Sequence[TailLine], start: int, end: int) -> int | None:
    """Where lines under one label (`label_run`) that run up to `end` begin among
    items[start + 1:end], two of them or more; None when the story's text does not end so."""
    first = end - 1
    while first - 1 > start and label_run(items, first - 1):
        first -= 1
    return first if first < end - 1 else None


def opens_block(items: Sequence[TailLine], i: int) -> str | None:
    """Name of the teaser shape that starts at items[i] (a header, a kicker or label item, a
    card, a title over a cut-off lede), or None: the story cannot run on past such a line."""
    cur = items[i]
    text, f = cur.line.text, cur.features
    nxt = _next(items, i)
    if f.header:
        return "header"
    if is_kicker_teaser(f):
        return "kicker"
    if label_of(text):
        return "label"
    if nxt is None:
        return None
    if _SECTION.match(text) and _card_title(items, i):
        return "card"
    if _is_title(cur) and _is_lede(nxt) and nxt.features.truncation_mark:
        return "title+lede"
    return None


def _is_title_block_start(t: TailLine) -> bool:
    """A line that opens an item of its own, so it cannot be the lede of the line above."""
    text = t.line.text
    return bool(
        label_of(text)
        or _NUMBERED.match(text)
        or _BULLET.match(text)
        or (t.features.kicker and t.features.words >= _KICKER_MIN_WORDS)
    )
