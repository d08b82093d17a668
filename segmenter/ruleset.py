"""Loads the rule data of `rules/` once and compiles it. No other module reads those files."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import justext

from .errors import RulesError
from .types import Reason

# Residue lines are short; applying rules only to lines up to this length keeps every
# pattern linear in the input, whatever a hostile line looks like, and long lines cheap.
MAX_RULE_CHARS = 400

# Typographic quotes to plain ones. str.replace of the few present is far cheaper than
# str.translate, which costs microseconds a line whatever it finds.
_QUOTES = tuple((q, "'") for q in "‘’‛") + tuple((q, '"') for q in "“”„«»")
_BULLET = re.compile(r"^(?:[*+•·▪►>|-]\s*)+")
_TRAIL = ":.!|›»"  # trailing marks dropped with trailing space
_WORD = re.compile(r"\w[\w'.-]*")
SENTENCE_END = re.compile(r"[.!?;。！？」』”\"')\]]$")


def key_of(text: str) -> str:
    """The form of a line that phrases and patterns are matched against."""
    key = text.lower()
    for quote, plain in _QUOTES:
        if quote in key:
            key = key.replace(quote, plain)
    key = _BULLET.sub("", key)
    # rstrip() drops exactly what \s matches; a search for [\s:.!|›»]+$ would be tried at
    # every space of the line.
    while True:
        stripped = key.rstrip().rstrip(_TRAIL)
        if stripped == key:
            return key
        key = stripped


def word_tokens(key: str) -> list[str]:
    return [t.rstrip(".'-") for t in _WORD.findall(key)]


@dataclass(frozen=True, slots=True)
class LineRule:
    name: str
    reason: Reason
    strong: bool
    phrases: frozenset[str]
    pattern: re.Pattern[str] | None  # the rule's patterns as one alternation
    words: frozenset[str]
    min_tokens: int
    min_share: float
    sentences: bool  # False: never matches a line that ends like a sentence

    def matches(self, text: str, key: str) -> bool:
        if not self.sentences and SENTENCE_END.search(text):
            return False
        if key in self.phrases:
            return True
        if self.pattern is not None and len(text) <= MAX_RULE_CHARS and self.pattern.fullmatch(key):
            return True
        if self.words and not SENTENCE_END.search(text):
            tokens = word_tokens(key)
            if len(tokens) >= self.min_tokens:
                hits = sum(t in self.words for t in tokens)
                return hits >= self.min_share * len(tokens)
        return False


@dataclass(frozen=True, slots=True)
class Blocks:
    headers: frozenset[str]
    header_patterns: tuple[re.Pattern[str], ...]
    labels: tuple[str, ...]  # longest first, so "related article" wins over "related"
    truncation_marks: tuple[str, ...]  # lower-case, for str.endswith
    comment_header: re.Pattern[str]  # "12 Comments", "Leave a Reply": a thread may start here
    comment_meta: re.Pattern[str]  # "Jane says:", "May 2, 2019 at 3:16 pm", "Reply"
    author_header: re.Pattern[str]  # "About the Author", "Über Moritz Bachmann": case-sensitive


def _read(name: str) -> str:
    try:
        return resources.files("segmenter.rules").joinpath(name).read_text("utf-8")
    except (FileNotFoundError, OSError) as exc:  # a packaging bug, not a caller's
        raise RulesError(f"rule file {name!r} is missing: {exc}") from exc


def _json(name: str) -> dict[str, Any]:
    try:
        data = json.loads(_read(name))
    except json.JSONDecodeError as exc:
        raise RulesError(f"rule file {name!r} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"rule file {name!r} must hold a JSON object")
    return data


def _word_list(name: str) -> frozenset[str]:
    lines = (line.split("#", 1)[0].strip().lower() for line in _read(name).splitlines())
    return frozenset(line for line in lines if line)


def _compile(pattern: str, where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RulesError(f"bad pattern in {where}: {pattern!r}: {exc}") from exc


def _alternation(
    patterns: list[str], where: str, flags: int = re.IGNORECASE
) -> re.Pattern[str] | None:
    """One regex for all of a rule's patterns: one fullmatch call a line instead of many."""
    for p in patterns:
        _compile(p, where, flags)  # name the bad pattern, not the alternation, in the error
    joined = "|".join(f"(?:{p})" for p in patterns)
    return _compile(joined, where, flags) if patterns else None


@cache
def line_rules() -> tuple[LineRule, ...]:
    rules = []
    for raw in _json("residue.json")["rules"]:
        try:
            name = raw["name"]
            rules.append(
                LineRule(
                    name=name,
                    reason=Reason(raw["reason"]),
                    strong=raw.get("strength", "strong") == "strong",
                    phrases=frozenset(key_of(p) for p in _thin(raw.get("phrases", ()))),
                    pattern=_alternation(_thin(raw.get("patterns", ())), name),
                    words=frozenset(_thin(_word_list(raw["words"])))
                    if "words" in raw
                    else frozenset(),
                    min_tokens=int(raw.get("min_tokens", 1)),
                    min_share=float(raw.get("min_share", 1.0)),
                    sentences=bool(raw.get("sentences", True)),
                )
            )
        except (KeyError, ValueError) as exc:
            raise RulesError(f"malformed rule {raw!r}: {exc}") from exc
    return tuple(rules)


@dataclass(frozen=True, slots=True)
class Matcher:
    """All rules of one strength, matched at once: a dict for the phrases, one alternation of
    every rule's patterns (regex alternation tries them in rule order, so the first rule that
    matches wins as if tried one by one), and the word-list rules."""

    rules: tuple[LineRule, ...]
    phrases: dict[str, int]  # key -> index of the first rule with that phrase
    patterns: re.Pattern[str] | None  # all pattern rules, groups named r<index>
    prose_patterns: re.Pattern[str] | None  # the same without the "sentences": false rules
    word_rules: tuple[int, ...]

    def first(self, text: str) -> LineRule | None:
        if len(text) > MAX_RULE_CHARS:
            return None  # residue is short: no rule looks at a longer line
        key = key_of(text)
        found = self.phrases.get(key, len(self.rules))
        regex = self.prose_patterns if SENTENCE_END.search(text) else self.patterns
        m = regex.fullmatch(key) if regex is not None else None
        if m is not None and m.lastgroup:
            found = min(found, int(m.lastgroup[1:]))
        for index in self.word_rules:
            if index >= found:
                break
            if self.rules[index].matches(text, key):
                found = index
                break
        return self.rules[found] if found < len(self.rules) else None


def _combined(rules: tuple[LineRule, ...], prose: bool) -> re.Pattern[str] | None:
    parts = [
        f"(?P<r{i}>{r.pattern.pattern})"
        for i, r in enumerate(rules)
        if r.pattern is not None and (r.sentences or not prose)
    ]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@cache
def matcher(strong: bool) -> Matcher:
    rules = tuple(r for r in line_rules() if r.strong == strong)
    phrases: dict[str, int] = {}
    for i, rule in enumerate(rules):
        for phrase in rule.phrases:
            phrases.setdefault(phrase, i)
    return Matcher(
        rules=rules,
        phrases=phrases,
        patterns=_combined(rules, prose=False),
        prose_patterns=_combined(rules, prose=True),
        word_rules=tuple(i for i, r in enumerate(rules) if r.words),
    )


@cache
def blocks() -> Blocks:
    raw = _json("blocks.json")
    return Blocks(
        headers=frozenset(key_of(h) for h in _thin(raw["headers"])),
        header_patterns=tuple(_compile(p, "blocks.json") for p in _thin(raw["header_patterns"])),
        labels=tuple(sorted((key_of(x) for x in _thin(raw["labels"])), key=len, reverse=True)),
        truncation_marks=tuple(m.lower() for m in raw["truncation_marks"]),
        comment_header=_required(raw["comment_headers"], "blocks.json comment_headers"),
        comment_meta=_required(raw["comment_meta"], "blocks.json comment_meta"),
        # A name is told from "About us" by its capitals, so these patterns see the line's case.
        author_header=_required(raw["author_headers"], "blocks.json author_headers", 0),
    )


def _required(patterns: list[str], where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    pattern = _alternation(patterns, where, flags)
    if pattern is None:
        raise RulesError(f"{where} names no pattern")
    return pattern


@dataclass(frozen=True, slots=True)
class TitleTrim:
    """How a headline is cut out of its title line (`rules/title.json`)."""

    breadcrumb: re.Pattern[str]  # " » ", " > ", ...: "Home » Blog » Headline"
    breadcrumb_max_words: int  # each crumb before the headline is at most this long
    suffix: re.Pattern[str]  # " | ", " – ", ...: "Headline | Site Name"
    suffix_max_words: int
    headline_min_words: int  # what is left of a line after a cut is at least this long


def _separators(raw: list[str]) -> re.Pattern[str]:
    return re.compile(" (?:" + "|".join(re.escape(s) for s in raw) + ") ")


@cache
def title_trim() -> TitleTrim:
    raw = _json("title.json")
    try:
        return TitleTrim(
            breadcrumb=_separators(raw["breadcrumb_separators"]),
            breadcrumb_max_words=int(raw["breadcrumb_max_words"]),
            suffix=_separators(raw["suffix_separators"]),
            suffix_max_words=int(raw["suffix_max_words"]),
            headline_min_words=int(raw["headline_min_words"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesError(f"malformed title.json: {exc}") from exc


@cache
def stopwords() -> dict[str, frozenset[str]]:
    """ISO code -> stop words, from jusText's packaged stoplists."""
    names: dict[str, str] = _json("languages.json")["stoplists"]
    available = justext.get_stoplists()
    return {
        code: frozenset(w.lower() for w in justext.get_stoplist(name))
        for code, name in sorted(names.items())
        if name in available
    }


@cache
def stopword_index() -> tuple[tuple[str, ...], dict[str, tuple[int, ...]]]:
    """(codes, word -> indexes into codes of the lists that hold the word): one pass over a
    page's tokens counts the hits of every list."""
    lists = stopwords()
    codes = tuple(lists)
    index: dict[str, list[int]] = {}
    for i, code in enumerate(codes):
        for word in lists[code]:
            index.setdefault(word, []).append(i)
    return codes, {word: tuple(ids) for word, ids in index.items()}


def stopword_hits(counts: dict[str, int], weighted: bool = False) -> list[tuple[float, str]]:
    """(hits, code) for every stop-word list, given a page's token counts. Weighted, a word
    that k lists hold counts 1/k in each: jusText's lists for Finnish, Turkish, Korean and
    others hold "the", "and", "of", so that English text scores high in them too."""
    codes, index = stopword_index()
    hits: list[float] = [0] * len(codes)
    for token, n in counts.items():
        ids = index.get(token, ())
        share = n / len(ids) if weighted and ids else n
        for i in ids:
            hits[i] += share
    return list(zip(hits, codes, strict=True))


# TEMPORARY shim until the per-language rules land with their own switch (branch lang).
_ablation: tuple[float, int] = (0.0, 0)
_dependents: list[Any] = []


def configure(phrase_ablation: float = 0.0, seed: int = 0) -> None:
    global _ablation
    _ablation = (phrase_ablation, seed)
    for f in (line_rules, matcher, blocks):
        f.cache_clear()
    for clear in _dependents:
        clear()


def register_cache(clear: Any) -> None:
    _dependents.append(clear)


def _kept(item: str) -> bool:
    import hashlib

    share, seed = _ablation
    if not share:
        return True
    h = int(hashlib.blake2b(f"{seed}:{item}".encode(), digest_size=8).hexdigest(), 16)
    return h / 2**64 >= share


def _thin(x: Any) -> Any:
    return [i for i in x if _kept(i)]


def load_all() -> None:
    """Load and compile every rule file now (the service calls this at start-up)."""
    matcher(strong=True)
    matcher(strong=False)
    blocks()
    title_trim()
    stopword_index()
