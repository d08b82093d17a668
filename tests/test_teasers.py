"""Teaser blocks in the lines after a story: a list of headlines under a line that no header
rule knows."""

from __future__ import annotations

from conftest import STORY
from segmenter import segment
from segmenter.clean import header_rule
from segmenter.features import features
from segmenter.ruleset import stopwords
from segmenter.teasers import TailLine, headline_shaped, heads_list, opens_block, parse_tail
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


def test_a_list_heads_a_block_when_most_of_its_items_are_title_case() -> None:
    items = tail(
        [
            "In this series",
            "* Travel & Remote Work. Starter Guide for Digital Nomads.",
            "* The best workout earbuds this year",
            *HEADLINES[:2],
            # A kicker teaser after the list is not the story going on.
            "HARBOUR WORKS: The council voted on Tuesday to build a flood barrier at the "
            "mouth of the estuary, ending a decade of disputes over its cost and",
        ]
    )
    assert heads_list(items, 0)
    mostly_lower = tail(
        [
            "In this series",
            "* The best workout earbuds this year",
            "* How to help babies and toddlers sleep through the night",
            HEADLINES[0],
        ]
    )
    assert not heads_list(mostly_lower, 0)


def test_a_card_title_is_a_headline_or_any_short_line_over_a_reading_time() -> None:
    items = tail(["WORLD", "standalone binaries using the new compiler · V8", "6 min read"])
    assert opens_block(items, 0) == "card"
    teasers, _, _ = parse_tail(items)
    assert [(t.kicker, t.title) for t in teasers] == [("WORLD", items[1].line.text)]
    assert opens_block(tail(["WORLD", "standalone binaries using the new compiler"]), 0) is None
    # A product's attributes in capitals over a short one are not a card.
    assert opens_block(tail(["FSC", "Fair trade", "GOTS certified"]), 0) is None
    assert opens_block(tail(["TRANSPORT", "Port strike ends after talks"]), 0) == "card"


def test_a_short_line_under_a_headline_is_no_cut_off_lede_outside_a_block() -> None:
    # A caption and a newsletter prompt after a story: no teaser without a block header.
    teasers, _, _ = parse_tail(
        tail(["Featured image from The Standard Stitch", "Sign up to our daily newsletter"])
    )
    assert teasers == []
    lede = (
        "The harbour council voted on Tuesday to build a flood barrier at the mouth of the "
        "estuary, ending a decade of disputes over"
    )
    teasers, _, _ = parse_tail(tail(["Harbour Council Approves the New Flood Barrier", lede]))
    assert [(t.title, t.truncated) for t in teasers] == [
        ("Harbour Council Approves the New Flood Barrier", True)
    ]


def test_two_sentences_are_not_a_headline() -> None:
    stops = stopwords()["en"]
    for text in (
        "So there you have it! The first six steps to becoming a web designer!",
        "We tried them all. These are the three we kept for the winter.",
    ):
        assert not headline_shaped(text, features(text, stops)), text
    for text in (
        "What Are the Top U.S. Rental Car Companies of 2025?",
        "Laptop vs. Desktop: How Many Watts Does a Computer Use?",
    ):
        assert headline_shaped(text, features(text, stops)), text


def test_block_headers_and_labels_in_other_languages() -> None:
    for header in (
        "Artículos relacionados",
        "Leia também",
        "Mehr zum Thema",
        "À lire aussi",
        "Вам также может быть интересно",
        "Você também pode gostar",
    ):
        items = tail([header, *HEADLINES])
        teasers, removed, _ = parse_tail(items)
        assert [t.title for t in teasers] == [h[2:] for h in HEADLINES], header
        assert [r.reason.value for r in removed] == ["related-header"], header
    teasers, _, _ = parse_tail(tail(["Siguiente artículo: Si quieres un teléfono nuevo, espera"]))
    assert [(t.label, t.title) for t in teasers] == [
        ("Siguiente artículo", "Si quieres un teléfono nuevo, espera")
    ]


def test_an_author_box_heads_a_block() -> None:
    for text in (
        "About the Author",
        "ABOUT THE AUTHOR",
        "Über Moritz Bachmann",
        "About Jane Doe:",
        "Written by",
        "Published by:",
        "Scritto da",
    ):
        assert header_rule(text) == "author-box", text
    for text in (
        "About us",
        "About this article",
        "About my6sense",
        "about jane doe",
        "Written by hand",
    ):
        assert header_rule(text) != "author-box", text
    page = [
        *STORY,
        "About Jane Doe",
        "Jane Doe has covered the harbour and its fleet for the paper since 2009, and wrote a "
        "book about the floods of 2014.",
    ]
    result = segment("\n".join(page))
    assert [p.line for p in result.body] == [2, 3, 4, 5]
