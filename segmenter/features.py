"""Shallow text features of one line (boilerpipe / jusText style), and the stop-word list
that fits the page. Pure functions of the text: no state, no I/O after the rules load."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .clean import header_rule, weak_reason
from .options import MEMO_LINES
from .ruleset import WORD, blocks, register_cache, stopword_hits, stopwords
from .types import Reason

_TOKEN = WORD
_ASCII_TOKEN = re.compile(r"\w+")  # the same on ASCII text, and 9 % faster a line
# Scripts written without spaces between words: a line's length in characters, not its token
# count, says how much text it holds.
# Thai, Lao, Khmer and Myanmar are written without spaces too.
_CJK = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
    r"\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
_SENTENCE_END = re.compile(r"[.!?:;。！？」』”\"')\]।။។]$")
# Thai and Lao mark no sentence's end: a long line of them ends one as far as shape can tell.
_UNMARKED_SCRIPT = re.compile(r"[\u0e00-\u0eff]")
# A token (a maximal run of \w) that starts with a capital letter or a digit: a capital or
# digit not preceded by a word character. Written with the lookbehind after the class, so that
# re scans for the class's characters instead of trying the lookbehind at every position.
_TOKEN_CAPITALISED = re.compile(r"[A-Z0-9](?<!\w.)")
_QUOTE_CHARS = "‘’'\"“”«»"
_LIST_MARK = re.compile(r"^(?:[*+•·o▪-]\s|\d{1,3}[.)]\s)")
_SEPARATORS = re.compile(r"\s[|·•/]\s")
_DIGIT = re.compile(r"\d")
_HEAD_CHARS = 400  # separators and digits are looked for in a line's first characters
# How many tokens of the page vote for its stop-word language.
_VOTE_TOKENS = 400
_VOTE_CHARS = 20_000  # 400 tokens of any real text fit in far fewer characters
# Characters per word for CJK text, so that a CJK line and an English line of the same
# content get similar word counts.
_CJK_CHARS_PER_WORD = 2


@dataclass(frozen=True, slots=True)
class Features:
    words: int  # word tokens (CJK: characters / 2)
    stop_density: float  # share of tokens that are stop words of the page's language
    sentence_end: bool  # ends like a sentence (., !, ?, closing quote, ...)
    capitalised: float  # share of tokens that start with a capital letter or digit
    kicker: str | None  # "‘AT RISK’: ..." -> "AT RISK"
    truncation_mark: bool  # ends in "…", "...", "Read more"
    cjk: bool
    header: str | None  # rule by which the line heads a teaser block ("Related", "Most read")
    weak: tuple[Reason, str] | None  # byline / dateline reason and rule, if the line is one
    list_mark: bool  # starts like a list item: "* ", "• ", "3. "
    separators: bool  # " | ", " · ", " / " between items, as in menus and link rows
    digit_share: float  # share of digits among the line's first characters


def page_stopwords(texts: list[str]) -> tuple[str, frozenset[str]]:
    """The stop-word list (and its language code) with the most hits in the page's first
    tokens; English when nothing stands out."""
    tokens: list[str] = []
    for text in texts:
        # Only a line's first _VOTE_CHARS characters: a hostile multi-megabyte line is not
        # read to its end for a vote that needs a few hundred tokens.
        tokens += _TOKEN.findall(text, 0, _VOTE_CHARS)
        if len(tokens) >= _VOTE_TOKENS:
            break
    counts = Counter(map(str.lower, tokens[:_VOTE_TOKENS]))
    best, best_hits = "en", -1.0
    for hits, code in stopword_hits(counts):
        # English wins ties: it is the commonest language of the input by far.
        if hits > best_hits or (hits == best_hits and code == "en"):
            best, best_hits = code, hits
    return best, stopwords().get(best, frozenset())


def kicker_of(text: str) -> str | None:
    """The upper-case lead-in of a `KICKER: text` line, quotes stripped when they wrap it."""
    i = text.find(": ", 0, 80)
    if i < 2 or not text[i + 2 :].strip():
        return None
    head = text[:i].strip()
    if any(c.islower() for c in head) or sum(c.isalpha() for c in head) < 2:
        return None
    if len(head.split()) > 5:
        return None
    if len(head) > 2 and head[0] in _QUOTE_CHARS and head[-1] in _QUOTE_CHARS:
        inner = head[1:-1]
        if not any(c in _QUOTE_CHARS for c in inner):
            return inner
    return head


def has_truncation_mark(text: str) -> bool:
    return text.lower().endswith(blocks().truncation_marks)


@lru_cache(maxsize=MEMO_LINES)  # pure: repeated lines (menus, lists, hostile input) cost once
def features(text: str, stops: frozenset[str]) -> Features:
    low = text.lower()
    tokens = (_ASCII_TOKEN if low.isascii() else _TOKEN).findall(low)
    n = len(tokens) or 1
    cjk_chars = 0 if text.isascii() else len(_CJK.findall(text))
    cjk = cjk_chars * 2 > len(text)
    words = cjk_chars // _CJK_CHARS_PER_WORD + len(tokens) if cjk else len(tokens)
    return Features(
        words=words,
        stop_density=len([t for t in tokens if t in stops]) / n,
        sentence_end=bool(_SENTENCE_END.search(text))
        or (cjk and words >= 12 and _UNMARKED_SCRIPT.search(text[-1:]) is not None),
        capitalised=len(_TOKEN_CAPITALISED.findall(text)) / n,
        kicker=kicker_of(text),
        truncation_mark=low.endswith(blocks().truncation_marks),
        cjk=cjk,
        header=header_rule(text),
        weak=weak_reason(text),
        list_mark=bool(_LIST_MARK.match(text)),
        separators=bool(_SEPARATORS.search(text, 0, _HEAD_CHARS)),
        digit_share=len(_DIGIT.findall(text, 0, _HEAD_CHARS)) / max(1, min(len(text), _HEAD_CHARS)),
    )


# A line's features depend on the rules: a switch of the vocabulary (evaluation only) clears them.
register_cache(features.cache_clear)
