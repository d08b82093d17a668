"""Where a page's comment thread starts: a comment header ("12 Comments", "Leave a Reply",
"6 thoughts on ...") with comment metadata under it (a commenter's "says:", a posting date or
time, a "Reply" link). Readers' comments are prose, so the story run would go on into a long
thread; nothing after its start is the story."""

from __future__ import annotations

from .clean import header_rule
from .ruleset import MAX_RULE_CHARS, blocks, key_of
from .types import Cleaned, Line

# The header has this many comment metadata lines among the next _WINDOW lines.
_WINDOW, _MIN_META = 8, 2
# Cheap tests before the header patterns: every header is short and holds one of the hints of
# `blocks().comment_hints` (a regex search with IGNORECASE took 5 us a line; lower() and `in`
# over the hints, well under 1 us).
_HEADER_MAX_CHARS = 250


def thread_start(cleaned: Cleaned) -> int | None:
    """Number of the line that opens the page's comment thread, or None."""
    headers = sorted(
        [line.number for line in cleaned.kept if _is_header(line.text)]
        + [r.line for r in cleaned.removed if _is_header(r.text)]
    )
    if not headers:
        return None
    removed = (Line(r.line, r.text) for r in cleaned.removed)
    lines = sorted((*cleaned.kept, *removed), key=lambda line: line.number)
    at = {line.number: i for i, line in enumerate(lines)}
    for number in headers:
        metas = 0
        for below in lines[at[number] + 1 : at[number] + 1 + _WINDOW]:
            if header_rule(below.text):  # teasers under a comment link: dated, not a thread
                break
            metas += _is_meta(below.text)
        if metas >= _MIN_META:
            return number
    return None


def _is_header(text: str) -> bool:
    if len(text) > _HEADER_MAX_CHARS:
        return False
    if not _hinted(text.lower()):
        return False
    return blocks().comment_header.fullmatch(key_of(text)) is not None


def _hinted(low: str) -> bool:
    # The hints of every language (`comment_hints`: "comment", "kommentar", "coment"...).
    # A loop, not any() over a generator, which costs twice as much on every short line.
    for hint in blocks().comment_hints:  # noqa: SIM110
        if hint in low:
            return True
    return False


def _is_meta(text: str) -> bool:
    return len(text) <= MAX_RULE_CHARS and bool(blocks().comment_meta.fullmatch(key_of(text)))
