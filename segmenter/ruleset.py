"""Loads the rule data of `rules/` once and compiles it. No other module reads those files."""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
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
_BULLET_CHARS = "*+•·▪►>|-"  # the class of _BULLET: a key opening with none keeps its start
_TRAIL = ":.!|›»"  # trailing marks dropped with trailing space
# Characters that print as nothing and hide inside words ("Schlag\u00adwörter"): a soft hyphen,
# zero-width space / non-joiner / joiner, word joiner and the byte-order mark.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# A word, as the stop-word lists spell it: a run of word characters and of the combining marks
# that Indic, Thai, Lao, Khmer and Myanmar vowels and viramas are written with. Python's \w
# leaves those marks out, so "हिन्दी" would be three words and no Hindi stop word would match.
# Not the dandas and the Khmer and Myanmar full stops, which end a sentence.
WORD_CHARS = (
    r"\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    r"\u06d6-\u06ed\u0900-\u0963\u0966-\u0dff\u0e00-\u0eff\u1000-\u1049\u104c-\u109f"
    r"\u1780-\u17d3\u17d7-\u17ff"
)
WORD = re.compile(f"[{WORD_CHARS}]+")
_WORD = re.compile(f"[{WORD_CHARS}][{WORD_CHARS}'.-]*")  # a word of a "words" rule
_ASCII_WORD = re.compile(r"\w[\w'.-]*")  # the same on ASCII text, and faster
SENTENCE_END = re.compile(r"[.!?;。！？」』”\"')\]]$")


def key_of(text: str) -> str:
    """The form of a line that phrases and patterns are matched against."""
    key = text.lower()
    if not key.isascii():  # quotes and invisible characters are all outside ASCII
        for quote, plain in _QUOTES:
            if quote in key:
                key = key.replace(quote, plain)
        for char in INVISIBLE:
            if char in key:
                key = key.replace(char, "")
    if key and key[0] in _BULLET_CHARS:
        key = _BULLET.sub("", key)
    # rstrip() drops exactly what \s matches; a search for [\s:.!|›»]+$ would be tried at
    # every space of the line.
    while True:
        stripped = key.rstrip().rstrip(_TRAIL)
        if stripped == key:
            return key
        key = stripped


def word_tokens(key: str) -> list[str]:
    return [t.rstrip(".'-") for t in (_ASCII_WORD if key.isascii() else _WORD).findall(key)]


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
    # Every pattern of the rule holds one of these (lower case): the patterns are tried only
    # on a key that contains one, a few `in` tests instead of a regex scan of the line each.
    requires: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # the patterns of `pattern`, one by one

    def may_match(self, key: str) -> bool:
        if not self.requires:
            return True
        for word in self.requires:  # noqa: SIM110 - any() over a generator costs twice
            if word in key:
                return True
        return False

    def matches(self, text: str, key: str) -> bool:
        if not self.sentences and SENTENCE_END.search(text):
            return False
        if key in self.phrases:
            return True
        if (
            self.pattern is not None
            and len(text) <= MAX_RULE_CHARS
            and self.may_match(key)
            and self.pattern.fullmatch(key)
        ):
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
    comment_hints: tuple[str, ...]  # every comment header holds one: a cheap test before it
    header_pattern: re.Pattern[str] | None = None  # header_patterns as one alternation


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
    patterns: Iterable[str], where: str, flags: int = re.IGNORECASE
) -> re.Pattern[str] | None:
    """One regex for all of a rule's patterns: one fullmatch call a line instead of many."""
    patterns = list(patterns)
    for p in patterns:
        _compile(p, where, flags)  # name the bad pattern, not the alternation, in the error
    if not patterns:
        return None
    joined = "|".join(f"(?:{p})" for p in patterns)
    return _compile(joined, where, flags)


# --- Evaluation switch: the phrase ablation -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Config:
    """How the vocabulary is loaded. The default is the product; anything else is for
    evaluation only (`configure`), never reachable from a request or the service's config."""

    phrase_ablation: float = 0.0  # share of every vocabulary list switched off
    seed: int = 0  # which entries: a seeded, deterministic choice per list


_config = Config()
_dependents: list[Callable[[], None]] = []


def configure(phrase_ablation: float = 0.0, seed: int = 0) -> None:
    """Switch off a seeded share of every vocabulary list (evaluation only: how much of the
    accuracy rests on memorised phrases). `configure()` restores the default. Clears every
    cache built from the rules, this module's and those registered with `register_cache`."""
    global _config
    if not 0.0 <= phrase_ablation <= 1.0:
        raise ValueError(f"phrase_ablation must be in [0, 1], not {phrase_ablation!r}")
    _config = Config(float(phrase_ablation), int(seed))
    line_rules.cache_clear()
    matcher.cache_clear()
    blocks.cache_clear()
    for clear in _dependents:
        clear()


def config() -> Config:
    return _config


def register_cache(clear: Callable[[], None]) -> None:
    """Have `configure` call `clear` (e.g. an lru_cache's cache_clear) of a memo of answers
    that depend on the rules, so that no answer of the old vocabulary outlives a switch."""
    _dependents.append(clear)


def _draw(seed: int, where: str, item: str) -> int:
    data = f"{seed}\0{where}\0{item}".encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def vocabulary(items: Iterable[str], where: str) -> list[str]:
    """A list of entries as loaded: all of them, or under the phrase ablation the list less a
    seeded choice of `phrase_ablation` of its distinct entries (the fractional remainder of
    that count is itself a seeded draw, so a one-entry list is dropped half the time).
    `where` names the list ("lang/de.json menu-phrase phrases"), so that each list is drawn
    on its own."""
    items = list(dict.fromkeys(items))
    share = _config.phrase_ablation
    if not share or not items:
        return items
    whole, part = divmod(len(items) * share, 1.0)
    drop = int(whole) + (part * 2**64 > _draw(_config.seed, where, ""))
    ranked = sorted(items, key=lambda item: _draw(_config.seed, where, item))
    dropped = set(ranked[:drop])
    return [item for item in items if item not in dropped]


# --- Per-language vocabulary ----------------------------------------------------------------

LANG_DIR = "lang"
_RULE_FIELDS = frozenset({"phrases", "patterns", "words"})
BLOCK_FIELDS = (
    "headers",
    "header_patterns",
    "labels",
    "truncation_marks",
    "comment_headers",
    "comment_meta",
    "comment_hints",
    "author_headers",
)
_PATTERN_BLOCKS = frozenset(
    {"header_patterns", "comment_headers", "comment_meta", "author_headers"}
)


@dataclass(frozen=True, slots=True)
class Language:
    """One `rules/lang/<code>.json`: the entries it adds to each rule and block list."""

    code: str
    source: str  # "lang/de.json"
    rules: dict[str, dict[str, list[str]]]  # rule name -> field -> entries
    blocks: dict[str, list[str]]  # block field -> entries


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{where} must be a list of strings")
    return value


@cache
def languages() -> tuple[Language, ...]:
    """Every language file, in order of its code. Each one extends the rules and block lists
    it names; every language's entries apply to every page (its language is not known before
    cleaning, and pages mix languages), so adding a language is adding a file."""
    try:
        folder = resources.files("segmenter.rules").joinpath(LANG_DIR)
        names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".json"))
    except (FileNotFoundError, OSError) as exc:
        raise RulesError(f"rule folder {LANG_DIR!r} is missing: {exc}") from exc
    rule_names = {raw.get("name") for raw in _json("residue.json")["rules"]}
    found = []
    for name in names:
        source = f"{LANG_DIR}/{name}"
        raw = _json(source)
        # "_" keys are comments: "_doc", "_held" (entries kept out for now, with the reason)
        unknown = {k for k in raw if not k.startswith("_")} - {"language", "rules", "blocks"}
        if unknown or raw.get("language") != name.removesuffix(".json"):
            raise RulesError(
                f"{source}: unknown keys {sorted(unknown)} or a 'language' not its name"
            )
        rules: dict[str, dict[str, list[str]]] = {}
        for rule, fields in raw.get("rules", {}).items():
            if rule not in rule_names or not isinstance(fields, dict):
                raise RulesError(f"{source}: no rule {rule!r} in residue.json")
            if set(fields) - _RULE_FIELDS:
                raise RulesError(f"{source}: rule {rule!r} has unknown fields {sorted(fields)}")
            rules[rule] = {k: _strings(v, f"{source} {rule} {k}") for k, v in fields.items()}
        block_lists = raw.get("blocks", {})
        if not isinstance(block_lists, dict) or set(block_lists) - set(BLOCK_FIELDS):
            raise RulesError(f"{source}: blocks may only hold {', '.join(BLOCK_FIELDS)}")
        blocks_ = {k: _strings(v, f"{source} blocks {k}") for k, v in block_lists.items()}
        found.append(Language(raw["language"], source, rules, blocks_))
    return tuple(found)


def _requires(raw: dict[str, Any]) -> tuple[str, ...]:
    """A rule's `requires` (a word or a list of them: every one of its patterns, of every
    language, holds one), lower case. A pattern that needs none of them would never be tried,
    so a language file that adds one to such a rule must add its word to this list."""
    words = raw.get("requires", [])
    return tuple(w.lower() for w in ([words] if isinstance(words, str) else words))


def _merged_rule_field(raw: dict[str, Any], field: str) -> list[str]:
    """A rule's entries of one field: residue.json's own (its word list may be a file), then
    each language's, each list under the ablation drawn on its own. residue.json's patterns
    are the language-independent shapes (a copyright sign, a count, a date): they are kept
    whole; its phrase and word lists are vocabulary like the languages'."""
    name = raw["name"]
    own = raw.get(field, [])
    if field == "words" and isinstance(own, str):
        own = sorted(_word_list(own))
    own = _strings(own, f"residue.json {name} {field}")
    merged = own if field == "patterns" else vocabulary(own, f"residue.json {name} {field}")
    for lang in languages():
        entries = lang.rules.get(name, {}).get(field, [])
        merged += vocabulary(entries, f"{lang.source} {name} {field}")
    return merged


def _merged_block_field(raw: dict[str, Any], field: str) -> list[str]:
    own = _strings(raw.get(field, []), f"blocks.json {field}")
    merged = own if field in _PATTERN_BLOCKS else vocabulary(own, f"blocks.json {field}")
    for lang in languages():
        merged += vocabulary(lang.blocks.get(field, []), f"{lang.source} {field}")
    return merged


@cache
def line_rules() -> tuple[LineRule, ...]:
    rules = []
    for raw in _json("residue.json")["rules"]:
        try:
            name = raw["name"]
            words = _merged_rule_field(raw, "words")
            patterns = _merged_rule_field(raw, "patterns")
            rules.append(
                LineRule(
                    name=name,
                    reason=Reason(raw["reason"]),
                    strong=raw.get("strength", "strong") == "strong",
                    phrases=frozenset(key_of(p) for p in _merged_rule_field(raw, "phrases")),
                    pattern=_alternation(patterns, name),
                    sources=tuple(patterns),
                    requires=_requires(raw),
                    words=frozenset(w.lower() for w in words),
                    min_tokens=int(raw.get("min_tokens", 1)),
                    min_share=float(raw.get("min_share", 1.0)),
                    sentences=bool(raw.get("sentences", True)),
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise RulesError(f"malformed rule {raw!r}: {exc}") from exc
    return tuple(rules)


@dataclass(frozen=True, slots=True)
class Screened:
    """Rules the fast path of `Matcher.first` tries one by one, each behind cheap `in` tests:
    rule `index`'s `pattern` (case-sensitive) can only match a key that holds one word of
    each of `gates` (the rule's own `requires`, then the literals its patterns need)."""

    index: int
    sentences: bool
    gates: tuple[tuple[str, ...], ...]
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Matcher:
    """All rules of one strength, matched at once: a dict for the phrases, one alternation of
    every rule's patterns (regex alternation tries them in rule order, so the first rule that
    matches wins as if tried one by one), and the word-list rules.

    The fast path (`fast`, `fast_prose`, `screened`) gives the same answers in less time: the
    same patterns compiled case-sensitively, which is the same match on a key that holds no
    character another case of a pattern character could be (`trouble`; a key holding one
    takes the plain path), and the patterns that scan the whole line (`.{0,200}\\bword`)
    tried only when the key holds a literal they need (see `_needs`)."""

    rules: tuple[LineRule, ...]
    phrases: dict[str, int]  # key -> index of the first rule with that phrase
    patterns: re.Pattern[str] | None  # all pattern rules, groups named r<index>
    prose_patterns: re.Pattern[str] | None  # the same without the "sentences": false rules
    word_rules: tuple[int, ...]
    guarded: tuple[int, ...] = ()  # rules with `requires`: outside the alternation, tried alone
    trouble: re.Pattern[str] | None = None  # None: no fast path
    # Like `patterns` less the screened patterns, by the key's first character: only the
    # patterns that can match a key opening with it (`_first`); `fast` for any other.
    fast: re.Pattern[str] | None = None
    fast_prose: re.Pattern[str] | None = None
    fast_by_char: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    fast_prose_by_char: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    screened: tuple[Screened, ...] = ()
    # One word of a gate of every screened rule: a key holding none skips them all at once.
    screen: re.Pattern[str] | None = None

    def first(self, text: str) -> LineRule | None:
        if len(text) > MAX_RULE_CHARS:
            return None  # residue is short: no rule looks at a longer line
        key = key_of(text)
        found = self.phrases.get(key, len(self.rules))
        prose = SENTENCE_END.search(text) is not None
        fast = (
            self.trouble is not None
            and key
            and (key.isascii() or key == key.lower())  # key_of lowers it: a guard
            and not self.trouble.search(key)
        )
        found = self._fast(key, prose, found) if fast else self._plain(key, prose, found)
        tokens: list[str] | None = None
        for index in self.word_rules:
            if index >= found:
                break
            # LineRule.matches, with what every rule would compute again computed once: the
            # line's sentence end (`prose`) and its word tokens. (The line is short enough.)
            rule = self.rules[index]
            if prose and not rule.sentences:
                continue
            if key in rule.phrases or (
                rule.pattern is not None and rule.may_match(key) and rule.pattern.fullmatch(key)
            ):
                found = index
                break
            if prose:
                continue
            if tokens is None:
                tokens = word_tokens(key)
            if len(tokens) >= rule.min_tokens:
                hits = len([t for t in tokens if t in rule.words])
                if hits >= rule.min_share * len(tokens):
                    found = index
                    break
        return self.rules[found] if found < len(self.rules) else None

    def _plain(self, key: str, prose: bool, found: int) -> int:
        regex = self.prose_patterns if prose else self.patterns
        m = regex.fullmatch(key) if regex is not None else None
        if m is not None and m.lastgroup:
            found = min(found, int(m.lastgroup[1:]))
        for index in self.guarded:
            if index >= found:
                break
            rule = self.rules[index]
            pattern = rule.pattern
            tried = (rule.sentences or not prose) and rule.may_match(key)
            if tried and pattern is not None and pattern.fullmatch(key):
                return index
        return found

    def _fast(self, key: str, prose: bool, found: int) -> int:
        if prose:
            regex = self.fast_prose_by_char.get(key[0], self.fast_prose)
        else:
            regex = self.fast_by_char.get(key[0], self.fast)
        m = regex.fullmatch(key) if regex is not None else None
        if m is not None and m.lastgroup:
            found = min(found, int(m.lastgroup[1:]))
        if self.screen is not None and self.screen.search(key) is None:
            return found
        for rule in self.screened:
            if rule.index >= found:
                break
            if prose and not rule.sentences:
                continue
            for gate in rule.gates:
                for word in gate:
                    if word in key:
                        break
                else:
                    break  # no word of this gate: the rule cannot match
            else:
                if rule.pattern.fullmatch(key):
                    return rule.index
        return found


def _combined(rules: tuple[LineRule, ...], prose: bool) -> re.Pattern[str] | None:
    parts = [
        f"(?P<r{i}>{r.pattern.pattern})"
        for i, r in enumerate(rules)
        if r.pattern is not None and (r.sentences or not prose) and not r.requires
    ]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@cache
def matcher(strong: bool) -> Matcher:
    rules = tuple(r for r in line_rules() if r.strong == strong)
    phrases: dict[str, int] = {}
    for i, rule in enumerate(rules):
        for phrase in rule.phrases:
            phrases.setdefault(phrase, i)
    plain = Matcher(
        rules=rules,
        phrases=phrases,
        patterns=_combined(rules, prose=False),
        prose_patterns=_combined(rules, prose=True),
        word_rules=tuple(i for i, r in enumerate(rules) if r.words),
        guarded=tuple(i for i, r in enumerate(rules) if r.requires and r.pattern is not None),
    )
    return _with_fast_path(plain)


# --- The matcher's fast path -----------------------------------------------------------------
# The rules' patterns are compiled with re.IGNORECASE and matched against a lower-case key.
# Two facts let most keys skip most of that work, with the same answers:
# - a pattern whose characters are all lower case (or have no case) matches a key
#   case-sensitively exactly as it does case-insensitively, unless the key holds a character
#   that re.IGNORECASE takes for another case of one of them ("K" for "k", the Kelvin sign for
#   "k", "ſ" for "s"): such a key, rare once lowered, takes the plain path;
# - a pattern that must scan the whole line (".{0,200}\\ball rights reserved\\b.{0,100}") can
#   only match a key that holds one of the literals every match of it holds ("all rights
#   reserved"): a few `in` tests are far cheaper than the scan.
# The literals are read off the parsed pattern (re's own parser), never written by hand, so
# they hold for whatever the rule files say; tests/test_ruleset_fast.py checks the answers.

_parser: Any = importlib.import_module("re._parser")
_MAX_RANGE = 1000  # a class range wider than this is not expanded: the pattern keeps its flag


def _alphabet(items: Any, out: set[str]) -> bool:
    """Add every character a parsed pattern names (literals, class members) to `out`; False
    when one is not its own lower case, or the pattern holds something whose match depends on
    the flag other than through those characters (a backreference, scoped flags)."""
    p = _parser
    for op, av in items:
        if op is p.LITERAL or op is p.NOT_LITERAL:
            chars = [chr(av)]
        elif op is p.IN:
            chars = []
            for iop, iav in av:
                if iop is p.LITERAL:
                    chars.append(chr(iav))
                elif iop is p.RANGE:
                    lo, hi = iav
                    if hi - lo > _MAX_RANGE:
                        return False
                    chars.extend(chr(c) for c in range(lo, hi + 1))
                elif iop is not p.CATEGORY and iop is not p.NEGATE:
                    return False
        elif op is p.ANY or op is p.AT:
            continue
        elif op is p.SUBPATTERN:
            if av[1] or av[2] or not _alphabet(av[3], out):
                return False
            continue
        elif op is p.BRANCH:
            if not all(_alphabet(alt, out) for alt in av[1]):
                return False
            continue
        elif op in (p.MAX_REPEAT, p.MIN_REPEAT, p.POSSESSIVE_REPEAT):
            if not _alphabet(av[2], out):
                return False
            continue
        elif op is p.ATOMIC_GROUP:
            if not _alphabet(av, out):
                return False
            continue
        elif op is p.ASSERT or op is p.ASSERT_NOT:
            if not _alphabet(av[1], out):
                return False
            continue
        else:
            return False
        for char in chars:
            if char.lower() != char:
                return False
            out.add(char)
    return True


def _better(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Is literal set `a` the cheaper and more telling test: longest shortest word (spaces
    not counted), then fewer words."""
    return (min(len(w.strip()) for w in a), -len(a)) > (min(len(w.strip()) for w in b), -len(b))


_MAX_EXACT = 64  # strings a run of items may spell before it is cut


def _exact(op: Any, av: Any) -> frozenset[str] | None:
    """Every string one parsed item (case-sensitive) matches, if they are few: a literal, a
    class of literals, a group or alternation of such, an optional one."""
    p = _parser
    if op is p.LITERAL:
        return frozenset(chr(av))
    if op is p.IN:
        if av and len(av) <= 8 and all(iop is p.LITERAL for iop, _ in av):
            return frozenset(chr(c) for _, c in av)
        return None
    if op is p.SUBPATTERN:
        return _exact_seq(av[3])
    if op is p.BRANCH:
        union: set[str] = set()
        for alt in av[1]:
            spelled = _exact_seq(alt)
            if spelled is None:
                return None
            union |= spelled
        return frozenset(union) if len(union) <= _MAX_EXACT else None
    if op in (p.MAX_REPEAT, p.MIN_REPEAT, p.POSSESSIVE_REPEAT) and av[1] <= 1:
        spelled = _exact_seq(av[2])
        if spelled is None:
            return None
        return spelled | {""} if av[0] == 0 else spelled
    return None


def _exact_seq(items: Any) -> frozenset[str] | None:
    spelled = frozenset({""})
    for op, av in items:
        item = _exact(op, av)
        if item is None or len(spelled) * len(item) > _MAX_EXACT:
            return None
        spelled = frozenset(a + b for a in spelled for b in item)
    return spelled


def _needs(items: Any) -> tuple[str, ...] | None:
    """Literals of which every string the parsed pattern (case-sensitive) matches holds one,
    or None if none are known: the strings a run of items spells (" (foto", " (fonte" for
    ` \\((foto|fonte)`), or the literals an item needs, whichever tells more."""
    p = _parser
    best: tuple[str, ...] | None = None
    run = frozenset({""})

    def offer(found: Iterable[str] | None) -> None:
        nonlocal best
        if found is None:
            return
        words = tuple(sorted(found))
        if words and "" not in words and (best is None or _better(words, best)):
            best = words

    for op, av in items:
        item = _exact(op, av)
        if item is not None and len(run) * len(item) <= _MAX_EXACT:
            run = frozenset(a + b for a in run for b in item)
            continue
        offer(run)
        run = item if item is not None else frozenset({""})
        if op is p.SUBPATTERN:
            offer(_needs(av[3]))
        elif op is p.ATOMIC_GROUP:
            offer(_needs(av))
        elif op is p.ASSERT:  # a lookahead or -behind that must hold somewhere in the key
            offer(_needs(av[1]))
        elif op is p.BRANCH:
            alts = [_needs(alt) for alt in av[1]]
            if all(alts):
                offer({w for alt in alts if alt for w in alt})
        elif op in (p.MAX_REPEAT, p.MIN_REPEAT, p.POSSESSIVE_REPEAT) and av[0] >= 1:
            offer(_needs(av[2]))
    offer(run)
    return best


def _scans(items: Any) -> bool:
    """Does the parsed pattern open by scanning (`.{0,200}`, `[^|]{1,300}`, a lookahead),
    perhaps after an optional group?"""
    p = _parser
    for op, av in items:
        if op is p.ASSERT:
            return True
        if op not in (p.MAX_REPEAT, p.MIN_REPEAT, p.POSSESSIVE_REPEAT):
            return False
        body = list(av[2])
        if av[1] >= 10 and len(body) == 1:
            bop, bav = body[0]
            if bop is p.ANY or bop is p.NOT_LITERAL:
                return True
            if bop is p.IN and any(i is p.NEGATE or i is p.CATEGORY for i, _ in bav):
                return True
        if av[0] > 0:
            return False
    return False


_Firsts = frozenset[str] | None  # the characters a match can open with; None: any


def _first(items: Any, classes: dict[str, frozenset[str]]) -> tuple[_Firsts, bool]:
    """The characters a match of the parsed pattern (case-sensitive) can open with, and
    whether it can match the empty string. `classes` holds the members of \\d and \\s."""
    p = _parser
    found: set[str] = set()
    for op, av in items:
        chars: _Firsts
        if op is p.LITERAL:
            chars, empty = frozenset(chr(av)), False
        elif op is p.IN:
            members: set[str] = set()
            for iop, iav in av:
                if iop is p.LITERAL:
                    members.add(chr(iav))
                elif iop is p.RANGE and iav[1] - iav[0] <= _MAX_RANGE:
                    members.update(map(chr, range(iav[0], iav[1] + 1)))
                elif iop is p.CATEGORY and str(iav) in classes:
                    members |= classes[str(iav)]
                else:
                    return None, False
            chars, empty = frozenset(members), False
        elif op is p.AT or op is p.ASSERT or op is p.ASSERT_NOT:
            continue  # no character: what follows opens the match
        elif op is p.SUBPATTERN:
            chars, empty = _first(av[3], classes)
        elif op is p.ATOMIC_GROUP:
            chars, empty = _first(av, classes)
        elif op is p.BRANCH:
            union: set[str] = set()
            empty = False
            for alt in av[1]:
                alt_chars, alt_empty = _first(alt, classes)
                if alt_chars is None:
                    return None, False
                union |= alt_chars
                empty = empty or alt_empty
            chars = frozenset(union)
        elif op in (p.MAX_REPEAT, p.MIN_REPEAT, p.POSSESSIVE_REPEAT):
            chars, empty = _first(av[2], classes)
            empty = empty or av[0] == 0
        else:  # ANY, NOT_LITERAL, a backreference ...
            return None, False
        if chars is None:
            return None, False
        found |= chars
        if not empty:
            return frozenset(found), False
    return frozenset(found), True


def _categories(everything: str) -> dict[str, frozenset[str]]:
    """The members of the classes \\d and \\s (a few hundred characters: a set a key's first
    character is looked up in), by the names the parser gives them."""
    classes = {}
    for escape in ("\\d", "\\s"):
        ((_, ((_, name),)),) = list(_parser.parse(escape))
        members = re.findall(escape, everything)
        classes[str(name)] = frozenset(members)
    return classes


def _everything() -> str:
    """One string of every code point but the surrogates, built in C."""
    import numpy as np

    points = np.arange(sys.maxunicode + 1, dtype="<u4")
    return points[(points < 0xD800) | (points > 0xDFFF)].tobytes().decode("utf-32-le")


def _fewest(words: Iterable[str]) -> tuple[str, ...]:
    """The words less those that hold another of them (a key holding "ads" holds "ad")."""
    kept: list[str] = []
    for word in sorted(set(words), key=lambda w: (len(w), w)):
        if not any(k in word for k in kept):
            kept.append(word)
    return tuple(kept)


def _trouble(alphabet: set[str], everything: str) -> re.Pattern[str]:
    """The characters re.IGNORECASE takes for another case of a character of `alphabet`."""
    if not alphabet:
        return _NEVER
    cls = "[" + "".join(re.escape(c) for c in sorted(alphabet)) + "]"
    cased = "".join(sorted(set(re.findall(cls, everything, re.IGNORECASE))))
    trouble: set[str] = set()
    for char in alphabet:
        trouble.update(x for x in re.findall(re.escape(char), cased, re.IGNORECASE) if x != char)
    if not trouble:
        return _NEVER
    return re.compile("[" + "".join(re.escape(c) for c in sorted(trouble)) + "]")


def _with_fast_path(plain: Matcher) -> Matcher:
    everything = _everything()
    classes = _categories(everything)
    alphabet: set[str] = set()
    kept: list[tuple[int, bool, str, _Firsts]] = []  # rule index, sentences, pattern, firsts
    screened: list[Screened] = []
    for i, rule in enumerate(plain.rules):
        if rule.pattern is None:
            continue
        scanning: list[str] = []
        needs: list[tuple[str, ...] | None] = []
        for source in rule.sources:
            tree = _parser.parse(source, re.IGNORECASE)
            chars: set[str] = set()
            firsts: _Firsts = None
            if _alphabet(tree, chars):
                alphabet |= chars
                body, need = f"(?:{source})", _needs(tree)
                firsts, empty = _first(tree, classes)
                if empty:
                    firsts = None
            else:  # matched as before, with its flag
                body, need = f"(?i:{source})", None
            if rule.requires or (need is not None and _scans(tree)):
                scanning.append(body)
                needs.append(need)
            else:
                kept.append((i, rule.sentences, body, firsts))
        if scanning:
            gates: tuple[tuple[str, ...], ...] = (rule.requires,) if rule.requires else ()
            if all(needs):
                gates += (_fewest(w for need in needs if need for w in need),)
            screened.append(Screened(i, rule.sentences, gates, re.compile("|".join(scanning))))
    fast, by_char = _dispatch(kept, prose=False)
    fast_prose, prose_by_char = _dispatch(kept, prose=True)
    return replace(
        plain,
        trouble=_trouble(alphabet, everything),
        fast=fast,
        fast_prose=fast_prose,
        fast_by_char=by_char,
        fast_prose_by_char=prose_by_char,
        screened=tuple(screened),
        screen=_screen(screened),
    )


def _screen(screened: list[Screened]) -> re.Pattern[str] | None:
    """One search for a word of the shortest gate of each screened rule (None when a rule has
    no gate): the words as a trie, so that re tries a few branches at each position."""
    if not screened or not all(rule.gates for rule in screened):
        return None
    words = {w for rule in screened for w in min(rule.gates, key=len)}
    return re.compile(_trie(sorted(words)))


def _trie(words: list[str]) -> str:
    """A regex of the (sorted, distinct, non-empty) `words` that shares their prefixes."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[0], []).append(word[1:])
    alts = []
    for head, tails in heads.items():
        rest = [t for t in tails if t]
        if len(rest) < len(tails):  # the head alone is a word: it is enough
            alts.append(re.escape(head))
        elif len(rest) == 1:
            alts.append(re.escape(head + rest[0]))
        else:
            alts.append(re.escape(head) + "(?:" + _trie(rest) + ")")
    return "|".join(alts)


def _dispatch(
    kept: list[tuple[int, bool, str, _Firsts]], prose: bool
) -> tuple[re.Pattern[str] | None, dict[str, re.Pattern[str] | None]]:
    """The alternation of the patterns that can open with any character, and for each
    character some pattern names as its first, the alternation of those that can open with
    it: rule order kept, groups named r<index> as in `_combined`."""
    parts = [(i, body, firsts) for i, sentences, body, firsts in kept if sentences or not prose]
    wild = [k for k, (_, _, firsts) in enumerate(parts) if firsts is None]
    by_first: dict[str, list[int]] = {}
    for k, (_, _, firsts) in enumerate(parts):
        for char in firsts or ():
            by_first.setdefault(char, []).append(k)

    def compiled(ids: tuple[int, ...]) -> re.Pattern[str] | None:
        groups: dict[int, list[str]] = {}
        for k in ids:
            groups.setdefault(parts[k][0], []).append(parts[k][1])
        alts = [f"(?P<r{i}>{'|'.join(bodies)})" for i, bodies in groups.items()]
        return re.compile("|".join(alts)) if alts else None

    done: dict[tuple[int, ...], re.Pattern[str] | None] = {}
    by_char: dict[str, re.Pattern[str] | None] = {}
    for char, ids in by_first.items():
        key = tuple(sorted({*wild, *ids}))
        if key not in done:
            done[key] = compiled(key)
        by_char[char] = done[key]
    return compiled(tuple(wild)), by_char


@cache
def blocks() -> Blocks:
    raw = _json("blocks.json")
    unknown = set(raw) - {"_doc", *BLOCK_FIELDS}
    if unknown:
        raise RulesError(f"blocks.json: unknown keys {sorted(unknown)}")
    lists = {field: _merged_block_field(raw, field) for field in BLOCK_FIELDS}
    return Blocks(
        headers=frozenset(key_of(h) for h in lists["headers"]),
        header_patterns=tuple(_compile(p, "blocks.json") for p in lists["header_patterns"]),
        labels=tuple(sorted({key_of(x) for x in lists["labels"]}, key=lambda x: (-len(x), x))),
        truncation_marks=tuple(dict.fromkeys(m.lower() for m in lists["truncation_marks"])),
        comment_header=_required(lists["comment_headers"], "comment_headers"),
        comment_meta=_required(lists["comment_meta"], "comment_meta"),
        # A name is told from "About us" by its capitals, so these patterns see the line's case.
        author_header=_required(lists["author_headers"], "author_headers", 0),
        comment_hints=tuple(dict.fromkeys(h.lower() for h in lists["comment_hints"])),
        header_pattern=_alternation(lists["header_patterns"], "header_patterns"),
    )


_NEVER = re.compile(r"(?!)")


def _required(patterns: list[str], where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    pattern = _alternation(patterns, where, flags)
    if pattern is None:
        if _config.phrase_ablation:  # the ablation may leave a list empty: it matches nothing
            return _NEVER
        raise RulesError(f"blocks: {where} names no pattern")
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
    data = _json("languages.json")
    names: dict[str, str] = data["stoplists"]
    own_script: set[str] = set(data["own_script"])
    available = justext.get_stoplists()
    lists = {}
    for code, name in sorted(names.items()):
        if name not in available:
            continue
        words = frozenset(w.lower() for w in justext.get_stoplist(name))
        if code in own_script:
            # jusText's lists come from Wikipedia, where English names and words stand in
            # every language's text: Marathi's would outvote English on an English page.
            words = frozenset(w for w in words if not w.isascii())
        lists[code] = words
    return lists


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


def load_all() -> None:
    """Load and compile every rule file now (the service calls this at start-up)."""
    matcher(strong=True)
    matcher(strong=False)
    blocks()
    title_trim()
    stopword_index()
