"""The matcher's fast path (case-sensitive patterns, literal screens read off the parsed
patterns) answers exactly as the plain path: on lines of real pages, on lines made to match
each pattern, on those lines with their case, marks and characters disturbed, and under the
phrase ablation."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EVAL_DIR, FIXTURES, SEEDS
from segmenter import ruleset
from segmenter.ruleset import (
    Matcher,
    _alphabet,
    _categories,
    _everything,
    _first,
    _needs,
    _parser,
    key_of,
    matcher,
)

PAGES = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
PAGES += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "pages").glob("*.txt"))]
REAL_LINES = sorted({line.strip() for page in PAGES for line in page.splitlines() if line.strip()})
RULE_LINES = [
    x if isinstance(x, str) else x[0]
    for cases in json.loads((FIXTURES / "rules.json").read_text(encoding="utf-8")).values()
    for x in cases
]
# Characters that re.IGNORECASE takes for another case of a pattern's letter, and others that
# change a key: upper case, the Kelvin sign, a long s, dotted and dotless i, final sigma.
ODD = list("KSIAZÉÖİıſ\u212a\u212bΣσςµΜ©ⓒⒸ:.!?|()/\"'’ \t-0123456789")


def _plain(m: Matcher) -> Matcher:
    return replace(m, trouble=None)


def _same(text: str) -> None:
    for strong in (True, False):
        m = matcher(strong)
        assert m.first(text) is _plain(m).first(text), (text, strong)


@cache
def _sources() -> list[str]:
    return sorted({s for rule in ruleset.line_rules() for s in rule.sources})


@cache
def _matching(source: str, flags: int) -> st.SearchStrategy[str]:
    return st.from_regex(re.compile(source, flags), fullmatch=True)


@cache
def _canonical() -> list[str]:
    """The patterns the fast path matches case-sensitively."""
    return [s for s in _sources() if _alphabet(_parser.parse(s, re.IGNORECASE), set())]


def test_every_fast_path_is_built() -> None:
    for strong in (True, False):
        m = matcher(strong)
        assert m.trouble is not None
        assert m.fast is not None or m.screened
    assert matcher(True).screened, "the scanning patterns are screened"


@pytest.mark.parametrize("line", REAL_LINES + RULE_LINES)
def test_real_lines(line: str) -> None:
    _same(line)


def _dev_lines(limit: int) -> list[str]:
    lines: list[str] = []
    for name in ("dev.jsonl.gz", "dev-bs4.jsonl.gz", "dev-markdown.jsonl.gz"):
        path = EVAL_DIR / name
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for n, row in enumerate(f):
                if n >= limit:
                    break
                lines += [x for x in json.loads(row).get("text", "").splitlines() if x.strip()]
    return lines


def test_lines_of_the_dev_pages() -> None:
    lines = _dev_lines(60)
    if not lines:
        pytest.skip("no evaluation corpus next to the repository")
    for line in dict.fromkeys(lines):
        _same(line)


@st.composite
def matching_lines(draw: st.DrawFn) -> str:
    """A line one of the patterns matches, then perhaps disturbed."""
    source = draw(st.sampled_from(_sources()))
    text = draw(_matching(source, re.IGNORECASE))
    edits = draw(st.lists(st.tuples(st.integers(0, 400), st.sampled_from(ODD)), max_size=3))
    for at, char in edits:
        text = text[:at] + char + text[at:]
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.title()
    return text[: ruleset.MAX_RULE_CHARS + 5]


_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


@_SETTINGS
@given(matching_lines())
def test_lines_made_to_match(text: str) -> None:
    _same(text)


@_SETTINGS
@given(
    st.one_of(
        st.text(max_size=120),
        st.lists(st.sampled_from(ODD + list("abcdefghijklmnopqrstuvwxyz")), max_size=60).map(
            "".join
        ),
        st.tuples(st.sampled_from(REAL_LINES), st.sampled_from(ODD)).map("".join),
    )
)
def test_any_text(text: str) -> None:
    _same(text)


@_SETTINGS
@given(st.data())
def test_every_match_holds_a_needed_literal(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(_canonical()))
    need = _needs(_parser.parse(source, re.IGNORECASE))
    if need is None:
        return
    text = data.draw(_matching(source, 0))
    assert any(word in text for word in need), (source, need, text)


@cache
def _classes() -> dict[str, frozenset[str]]:
    return _categories(_everything())


@_SETTINGS
@given(st.data())
def test_every_match_opens_with_one_of_its_first_characters(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(_canonical()))
    firsts, empty = _first(_parser.parse(source, re.IGNORECASE), _classes())
    text = data.draw(_matching(source, 0))
    if firsts is None:
        return
    assert empty or text, source
    assert not text or text[0] in firsts, (source, text)


@pytest.fixture
def ablation() -> Iterator[None]:
    ruleset.configure(phrase_ablation=0.5, seed=3)
    _sources.cache_clear()
    _canonical.cache_clear()
    try:
        yield
    finally:
        ruleset.configure()
        _sources.cache_clear()
        _canonical.cache_clear()


@pytest.mark.usefixtures("ablation")
def test_under_the_phrase_ablation() -> None:
    for line in REAL_LINES + RULE_LINES + _dev_lines(15):
        _same(line)


def test_a_trouble_character_takes_the_plain_path() -> None:
    m = matcher(True)
    assert m.trouble is not None
    assert m.trouble.search("\u212a") and m.trouble.search("ſ")
    assert key_of("ADVERTISEMENT") == "advertisement"
    _same("Advertiſement")
    _same("All rights reſerved")


# Rewrites elsewhere for speed, each held to the plain form it replaced.
_WORDY = st.lists(st.sampled_from([*ODD, "a", "B", "é", "_", "\u0300", "x9", "\n"]), max_size=40)


@given(st.one_of(st.text(max_size=60), _WORDY.map("".join), st.sampled_from(REAL_LINES)))
def test_capitalised_tokens_as_before(text: str) -> None:
    from segmenter.features import _TOKEN_CAPITALISED

    assert len(_TOKEN_CAPITALISED.findall(text)) == len(re.findall(r"(?<!\w)[A-Z0-9]", text))


@given(st.one_of(st.text(max_size=60), _WORDY.map("".join)))
def test_at_most_eight_words_as_before(text: str) -> None:
    assert (len(text.split(None, 8)) <= 8) == (len(text.split()) <= 8)
