"""The cleaner: named line rules from `rules/residue.json` remove navigation, ad and widget
residue, one line at a time, each with its reason and the name of the rule that fired.

Only `strong` rules remove a line here. `weak` rules (bylines, datelines) name the reason for
a line that the splitter leaves outside the story; see `weak_reason`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .options import MEMO_LINES
from .ruleset import MAX_RULE_CHARS, blocks, key_of, matcher, register_cache
from .types import Cleaned, Line, Reason, Removed


def match(text: str, strong: bool = True) -> tuple[Reason, str] | None:
    """The reason and rule name of the first rule of that strength matching the line."""
    if len(text) > MAX_RULE_CHARS:
        return _match(text, strong)  # long lines are rarely asked twice: don't keep them
    return _cached_match(text, strong)


def _match(text: str, strong: bool) -> tuple[Reason, str] | None:
    rule = matcher(strong).first(text)
    return (rule.reason, rule.name) if rule else None


# The same lines are asked about by the splitter, the title finder and the teaser parser; the
# answer depends on the text alone, so a bounded memo changes no output.
_cached_match = lru_cache(maxsize=MEMO_LINES)(_match)
register_cache(_cached_match.cache_clear)  # the phrase ablation changes the answers


def weak_reason(text: str) -> tuple[Reason, str] | None:
    """Reason for a line outside the story that only a weak rule (byline, dateline) names."""
    return match(text, strong=False)


# A line of nothing but HTML tags (a tracking pixel, an image an extractor let through): no
# rule file is needed to see it is not text, and it can be longer than MAX_RULE_CHARS.
_MARKUP = re.compile(r"(?:\s*<[^<>]*>)+\s*")


def clean(lines: tuple[Line, ...]) -> Cleaned:
    """Split non-blank lines into those still in play and those removed as residue."""
    kept: list[Line] = []
    removed: list[Removed] = []
    for line in lines:
        if not line.text:
            continue
        hit = match(line.text)
        if hit is None and line.text[0] == "<" and _MARKUP.fullmatch(line.text):
            hit = (Reason.OTHER, "markup")
        if hit is None:
            kept.append(line)
        else:
            removed.append(Removed(line.text, line.number, hit[0], hit[1]))
    return Cleaned(tuple(kept), tuple(removed))


def header_rule(text: str) -> str | None:
    """Name of the rule by which the line is a teaser block header, or None."""
    if len(text) > MAX_RULE_CHARS:
        return None
    key = key_of(text)
    b = blocks()
    if key in b.headers:
        return "header"
    # split(None, 8) stops at a ninth word: the same test as len(key.split()) <= 8.
    short = len(key.split(None, 8)) <= 8
    if b.header_pattern is not None and short and b.header_pattern.fullmatch(key):
        return "header-pattern"
    if b.author_header.fullmatch(text):
        return "author-box"
    return None
