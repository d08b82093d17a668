"""Teaser blocks in the lines after a story: a list of headlines under a line that no header
rule knows."""

from __future__ import annotations

from segmenter.features import features
from segmenter.ruleset import stopwords
from segmenter.teasers import TailLine, heads_list, parse_tail
from segmenter.types import Line

HEADLINES = [
    "* Coastal Line Closed for Two Weeks After Storm Damage in the North",
    "* How the Old Carriages Kept Running for Forty Years on the Coast",
    "* Regional Operator Names New Chief Executive After a Long Search",
]


def tail(texts: list[str]) -> list[TailLine]:
    stops = stopwords()["en"]
    return [TailLine(Line(n, t), features(t, stops)) for n, t in enumerate(texts, start=1)]


def test_a_short_line_over_headlines_heads_a_teaser_block() -> None:
    items = tail(["From the archive", *HEADLINES])
    assert heads_list(items, 0)
    teasers, removed, _ = parse_tail(items)
    assert [t.title for t in teasers] == [h[2:] for h in HEADLINES]
    assert [(r.line, r.rule) for r in removed] == [(1, "list-header")]


def test_lists_that_are_not_headlines_head_nothing() -> None:
    prose = (
        "Reading is only a start, the authors say: the managers who did best also found a "
        "mentor outside their own team."
    )
    cases = [
        ["From the archive", *HEADLINES, prose],  # the story goes on after its list
        ["Ramen Alley", "* Korean", "* Asiatown", "* Noodles"],  # names, not headlines
        ["What to pack", "* warm socks and a hat for the evenings", "* a map of the coast"],
        ["From the archive", HEADLINES[0]],  # one item is no list
        ["This line is a sentence.", *HEADLINES],
    ]
    for texts in cases:
        assert not heads_list(tail(texts), 0), texts
