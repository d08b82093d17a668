"""The headline finder: URL slugs, list items, and the story's own first line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segmenter import segment
from segmenter.title import _OPENING_TOKENS, _content, _Opening, slug_tokens, trim

STORY = (
    "The harbour council voted on Tuesday to build a flood barrier at the mouth of the "
    "estuary, ending a decade of disputes over its cost and its effect on the fishing fleet.\n"
    "The barrier will cost an estimated 240 million euros and should be finished by 2029, "
    "according to the council's planning documents and its chief engineer.\n"
)


def test_slug_tokens() -> None:
    assert slug_tokens("https://x.test/news/2024/05/flood-barrier-approved.html") == {
        "flood",
        "barrier",
        "approved",
    }
    assert slug_tokens("https://x.test/news/flood/12345") == {"flood"}
    assert slug_tokens(None) == frozenset() and slug_tokens("not a url") == {"not", "url"}


def test_url_slug_vouches_for_a_headline_far_above_the_story() -> None:
    menu = "\n".join(f"Menu item {i}" for i in range(80))
    page = "Big day for the town\n" + menu + "\n" + STORY
    plain = segment(page)
    assert plain.title is None  # far away and sharing no word with the story: no evidence
    hinted = segment(page, url="https://x.test/2024/big-day-for-the-town")
    assert hinted.title is not None and hinted.title.line == 1
    near = segment("Big day for the town\nHome\nNews\n" + STORY)
    assert near.title is not None and near.title.line == 1


def test_a_far_headline_is_found_by_the_words_it_shares_with_the_story() -> None:
    # 20 menu lines between: farther than most pages put them (the ranker learned how far)
    menu = "\n".join(f"Menu item {i}" for i in range(20))
    result = segment("Council approves flood barrier\n" + menu + "\n" + STORY)
    assert result.title is not None and result.title.line == 1


def test_list_items_are_not_headlines() -> None:
    page = "Council approves flood barrier\n* Flood barrier facts\n" + STORY
    result = segment(page)
    assert result.title is not None and result.title.text == "Council approves flood barrier"


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        (
            "Home » Blog » Council approves flood barrier",
            ("Home » Blog »", "Council approves flood barrier", None),
        ),
        ("Back / 10 Best Flood Barriers", ("Back /", "10 Best Flood Barriers", None)),
        ("* How To Build A Barrier", ("*", "How To Build A Barrier", None)),
        ("3. Charity Ratings", ("3.", "Charity Ratings", None)),
        (
            "Council approves flood barrier | Opinion",
            (None, "Council approves flood barrier", "| Opinion"),
        ),
        (
            "Best UK Art Exhibitions 2025 – Artlyst",
            (None, "Best UK Art Exhibitions 2025", "– Artlyst"),
        ),
        # Not cut: a three-word crumb under one separator, a lower-case or long tail, a short head.
        (
            "21+ Best Movers / Moving Companies in 2024",
            (None, "21+ Best Movers / Moving Companies in 2024", None),
        ),
        (
            "A plant-based diet – tips and tricks",
            (None, "A plant-based diet – tips and tricks", None),
        ),
        (
            "Setting up an aquarium - A Step By Step Guide",
            (None, "Setting up an aquarium - A Step By Step Guide", None),
        ),
        ("Star Wars | Reviews", (None, "Star Wars | Reviews", None)),
        ("Home »", (None, "Home »", None)),
    ],
)
def test_trim_cuts_the_headline_out_of_its_line(line: str, parts: tuple[str | None, ...]) -> None:
    assert trim(line) == parts


@given(
    st.lists(
        st.sampled_from(["Home", "»", "|", "–", "/", "*", "1.", "Big", "day", "A", "x"]),
        max_size=12,
    )
)
def test_trim_loses_nothing(words: list[str]) -> None:
    line = " ".join(words)
    prefix, headline, suffix = trim(line)
    assert " ".join(p for p in (prefix, headline, suffix) if p) == line
    assert headline or not line


def test_title_with_breadcrumb_reports_the_cut_parts() -> None:
    result = segment("Home » News » Council approves flood barrier\n" + STORY).to_dict()
    assert result["title"] == {
        "text": "Council approves flood barrier",
        "line": 1,
        "prefix": "Home » News »",
    }


def _opening_by_definition(texts: list[str], stops: frozenset[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        words.update(_content(text, stops))
        if len(words) >= _OPENING_TOKENS:
            break
    return words


_WORDISH = st.text(alphabet="aAbΣσς_1² -.\n\u0301İéß日", max_size=40)


@given(st.lists(_WORDISH, max_size=6), st.lists(_WORDISH, max_size=4))
def test_the_opening_knows_the_words_of_the_story(texts: list[str], asked: list[str]) -> None:
    stops = frozenset({"a", "the"})
    opening, want = _Opening(texts, stops), _opening_by_definition(texts, stops)
    words = {w for text in texts + asked for w in _content(text, stops)}
    # Pieces of the story's words occur in its text without being words of it.
    words |= {piece for w in set(words) for piece in (w[1:], w[:-1]) if len(piece) > 1}
    for word in words:
        assert (word in opening) == (word in want), word


def test_a_long_story_opening_stops_at_its_token_budget() -> None:
    letters = "abcdefghijklmnopqrstuvwxyzαβγδεζηθικλμνξοπρστυφχψω"
    tokens = [a + b for a in letters for b in letters][:_OPENING_TOKENS]
    # The budget's worth of the shortest distinct words, then one more line: that line is
    # past the budget, however the story's text is read.
    lines = [" ".join(tokens), "zzz"]
    opening, want = _Opening(lines, frozenset()), _opening_by_definition(lines, frozenset())
    assert len(want) == _OPENING_TOKENS and "zz" in opening and "zzz" not in opening
