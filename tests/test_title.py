"""The headline finder: URL slugs, list items, and the story's own first line."""

from __future__ import annotations

from segmenter import segment
from segmenter.title import slug_tokens

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
    menu = "\n".join(f"Menu item {i}" for i in range(80))
    result = segment("Council approves flood barrier\n" + menu + "\n" + STORY)
    assert result.title is not None and result.title.line == 1


def test_list_items_are_not_headlines() -> None:
    page = "Council approves flood barrier\n* Flood barrier facts\n" + STORY
    result = segment(page)
    assert result.title is not None and result.title.text == "Council approves flood barrier"
