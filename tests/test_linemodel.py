"""The learned line model: its file format, its tree walk, and its place in the split."""

from __future__ import annotations

from typing import Any

import pytest

from segmenter import linemodel, title
from segmenter.clean import clean
from segmenter.errors import RulesError
from segmenter.features import page_stopwords
from segmenter.normalize import normalize_text, split_lines
from segmenter.options import Options
from segmenter.split import score_lines

N = len(linemodel.FEATURES)


def _stump(feature: int, threshold: float, low: float, high: float) -> dict[str, list]:
    """One split: node 0 sends x[feature] <= threshold to leaf 1, else to leaf 2."""
    return {
        "feature": [feature, 0, 0],
        "threshold": [threshold, 0.0, 0.0],
        "left": [1, 1, 2],
        "right": [2, 1, 2],
        "value": [0.0, low, high],
    }


def _model(trees: list[dict[str, list]], depth: int = 1, base: float = 0.5) -> dict:
    return {"features": list(linemodel.FEATURES), "depth": depth, "base": base, "trees": trees}


def test_trees_are_walked_and_summed() -> None:
    leaf = {"feature": [0], "threshold": [0.0], "left": [0], "right": [0], "value": [0.25]}
    model = linemodel.from_json(
        _model([_stump(0, 1.0, -1.0, 2.0), _stump(1, 0.0, 3.0, -3.0), leaf])
    )
    low, high = [0.0] * N, [0.0] * N
    high[0], high[1] = 5.0, 1.0
    # base 0.5; tree 1: x0 <= 1 -> -1 / else 2; tree 2: x1 <= 0 -> 3 / else -3; leaf 0.25
    assert model.logits([low, high]) == [0.5 - 1.0 + 3.0 + 0.25, 0.5 + 2.0 - 3.0 + 0.25]
    assert model.logits([]) == []


def test_a_model_for_other_features_is_refused() -> None:
    data = _model([_stump(0, 1.0, -1.0, 2.0)])
    data["features"] = ["something", "else"]
    with pytest.raises(RulesError, match="feature list"):
        linemodel.from_json(data)
    with pytest.raises(RulesError, match="malformed"):
        linemodel.from_json({"features": list(linemodel.FEATURES), "trees": [{}]})


@pytest.mark.parametrize("module", [linemodel, title])
def test_the_packaged_models_are_well_formed(module: Any) -> None:
    model = module.load()
    nodes = len(model.feature)
    assert len(model.roots) >= 1 and model.depth >= 1
    assert ((model.feature >= 0) & (model.feature < len(module.FEATURES))).all()
    assert len(model.children) == 2 * nodes
    assert ((model.children >= 0) & (model.children < nodes)).all()


def test_every_kept_line_gets_one_vector_of_every_feature() -> None:
    text = (
        "Skip to content\nHome News Sport\nA headline about the harbour\n"
        + "The council approved the new flood barrier on Tuesday after a long debate. " * 3
        + "\nIt will be built over the next two years, and the work starts in the spring.\n"
        "Share this article\nRelated: Another story about the port"
    )
    cleaned = clean(split_lines(normalize_text(text)))
    _, stops = page_stopwords([line.text for line in cleaned.kept])
    scored = score_lines(cleaned, stops, Options())
    assert len(scored.vectors) == len(cleaned.kept)
    assert all(len(v) == N for v in scored.vectors)
    ratings = linemodel.load().logits(scored.vectors)
    prose = next(i for i, line in enumerate(cleaned.kept) if line.text.startswith("The council"))
    assert ratings[prose] > 0 > min(ratings)


def test_a_page_past_the_models_line_budget_is_split_by_the_rules() -> None:
    from segmenter import segment
    from segmenter.split import MODEL_MAX_LINES

    story = "The council approved the new flood barrier on Tuesday after a long debate.\n"
    menu = "".join(f"Menu item {i}\n" for i in range(MODEL_MAX_LINES + 10))
    result = segment(menu + story * 3)
    assert [p.text for p in result.body] == [story.strip()]  # its repeats: duplicates
    assert len(result.removed) + len(result.body) == MODEL_MAX_LINES + 13


def test_runs_and_distances_describe_the_neighbourhood() -> None:
    assert linemodel._runs([True, True, False, True, False, False, True, True, True]) == [
        2,
        2,
        0,
        1,
        0,
        0,
        3,
        3,
        3,
    ]
    far = linemodel._FAR
    ahead, behind = linemodel._distances([3, 10], 13)
    assert ahead[0] == 3 / far
    assert ahead[3] == 7 / far  # strictly ahead
    assert ahead[10] == 1.0  # none ahead
    assert behind[12] == 2 / far
    assert behind[10] == 7 / far  # strictly behind
    assert behind[2] == 1.0
    ahead, behind = linemodel._distances([0, 70], 72)
    assert ahead[1] == 1.0 and behind[69] == 1.0  # far
    assert ahead.tolist() == [
        min(next((o for o in (0, 70) if o > k), k + far) - k, far) / far for k in range(72)
    ]


def _by_length() -> Any:
    """A model that rates lines of 12+ words as story (+3) and shorter ones as doubtful (-1)."""
    return linemodel.from_json(_model([_stump(0, 2.5, -1.5, 2.5)]))


def _split(text: str, model: Any = None) -> list[str]:
    from segmenter.split import split

    cleaned = clean(split_lines(normalize_text(text)))
    _, stops = page_stopwords([line.text for line in cleaned.kept])
    return [p.text for p in split(cleaned, stops, Options(), model=model or _by_length()).body]


_STORY = "".join(
    f"Paragraph {i} of the story says that the council approved the new flood barrier today.\n"
    for i in range(5)
)


def test_a_story_keeps_its_short_ending() -> None:
    sign_off = ["Reporting by Jane Doe", "Editing by John Roe"]
    body = _split(_STORY + "\n".join(sign_off) + "\nPrivacy policy\n")
    assert body[-2:] == sign_off


_SOURCES = ["References", "1. Doe, J. (2020). Floods of the estuary", "2. Roe, J. (2021). Harbours"]


def test_a_page_that_ends_with_its_story_ends_with_its_last_lines() -> None:
    # No residue after the story, and the model doubts none of the lines after its run.
    assert _split(_STORY + "\n".join(_SOURCES) + "\n")[-3:] == _SOURCES


def test_a_page_that_ends_with_its_story_keeps_all_of_its_ending() -> None:
    # More lines than a story's ending keeps when the page goes on (_KEEP_LAST), each rated
    # doubtful (-1) but none clearly residue: a product box at the end of a review.
    box = ["Pros", "* Cheap to run", "* Easy to learn", "Cons", "* Slow on big files", "Verdict"]
    assert _split(_STORY + "\n".join(box) + "\n")[-6:] == box


def test_a_page_that_ends_in_doubtful_lines_ends_with_its_closing_sentences() -> None:
    doubtful = linemodel.from_json(_model([_stump(0, 2.5, -3.5, 2.5)]))  # short lines: -3
    body = _split(_STORY + "\n".join(_SOURCES) + "\n", doubtful)
    assert len(body) == 5 and not set(_SOURCES) & set(body)


def test_after_a_stretch_of_left_out_lines_nothing_is_the_ending() -> None:
    links = [f"the harbour gallery number {i}" for i in range(8)]
    body = _split(_STORY + "\n".join(links) + "\nPrivacy policy\n")
    assert len(body) == 5 and not set(links) & set(body)


def test_interface_lines_the_model_doubts_do_not_end_the_story() -> None:
    # The model rates every short line -1.0: doubtful, not clearly residue.
    for widget in ("Facebook Twitter Email", "Toot Bluesky Mail", "Ad slot E - article bottom"):
        body = _split(_STORY + widget + "\nPrivacy policy\n")
        assert len(body) == 5 and widget not in body, widget
    for sign_off in (
        "Krystal Hernandez, Marketing, Klatch Coffee",
        "— Rep. Jane Doe (@janedoe) November 19, 2019",
        "Reporting by John Roe",
    ):
        assert _split(_STORY + sign_off + "\nPrivacy policy\n")[-1] == sign_off, sign_off


def test_a_teaser_label_does_not_end_the_story() -> None:
    # Long enough for the model to rate it story (+3): the run takes it in.
    label = "Read more: The council publishes its full plan for the estuary and the harbour walls"
    body = _split(_STORY + label + "\n")
    assert len(body) == 5 and label not in body


_DATED = ["Top 10 walks along the estuary this winter", "26 May 2023"]
_DATED_TOO = ["Why the harbour walls were built", "Jun 22, 2024"]


def test_headlines_over_their_dates_do_not_end_the_story() -> None:
    # A teaser block under a header no rule knows: two dated headlines, or one that runs
    # to the page's end.
    for block in (
        ["Elsewhere on the coast", *_DATED, *_DATED_TOO, "Privacy policy"],
        [*_DATED, *_DATED_TOO, "Privacy policy"],
        ["Elsewhere on the coast", *_DATED],
    ):
        _assert_left_out(block)


def _assert_left_out(block: list[str], model: Any = None) -> None:
    """The story's five paragraphs are its body, and no line of `block` after them is."""
    body = _split(_STORY + "\n".join(block) + "\n", model)
    assert len(body) == 5 and not set(block) & set(body), block


def test_headlines_over_dates_no_rule_knows_do_not_end_the_story() -> None:
    # Danish dates: a few words with a number, under each headline. The headlines hold a
    # colon or a comma, so no cut of interface lines takes them off the story's end.
    block = [
        "Walks along the estuary: ten routes for winter",
        "19 timer siden",
        "Harbour walls, a history in photographs",
        "for 2 dage siden",
        "Privacy policy",
    ]
    for lines in (["Elsewhere on the coast", *block], block):
        _assert_left_out(lines)


def test_a_table_of_short_names_over_figures_stays() -> None:
    # A number among a few words is a date's shape under a headline, not under a plan's name.
    table = ["Starter", "5 seats, 1 room", "Business", "10 seats, 3 rooms"]
    assert _split(_STORY + "\n".join(table) + "\n")[-4:] == table


def test_a_header_the_model_liked_over_dated_headlines_does_not_end_the_story() -> None:
    # Lines of 4 or 5 words rated +0.5, other short ones -1: the run takes the header in, and
    # the dated list starts where the story's text ends.
    stumps = [_stump(0, 1.5, -1.5, 0.0), _stump(0, 1.85, 0.0, -1.5), _stump(0, 2.5, 0.0, 4.0)]
    liked = linemodel.from_json(_model(stumps))
    header = "Stories From The Coast Desk"  # capitalised: no interface line the cut takes
    _assert_left_out([header, *_DATED, *_DATED_TOO, "Privacy policy"], liked)


def test_a_list_of_dates_the_story_introduced_stays() -> None:
    tour = ["Boston Harbour Hall", "July 3, 2024", "Portland Pier", "July 5, 2024"]
    page = _STORY + "Tour dates:\n" + "\n".join(tour) + "\nPrivacy policy\n"
    assert _split(page)[-4:] == tour


_LEDES = [
    "Why the harbour walls were built",
    "The walls went up after the storm of 1953, when the sea came into the old town and the",
    "Top 10 walks along the estuary this winter",
    "From the lighthouse to the salt marsh, these are the routes that locals pick when the",
]


def test_headlines_over_cut_off_ledes_do_not_end_the_story() -> None:
    # The model rates the ledes story (+3, long lines): the run takes them in. Two headlines
    # over ledes cut off mid-sentence are a teaser block, under a header no rule knows or none.
    for block in (["Elsewhere on the coast", *_LEDES, "Privacy policy"], _LEDES):
        _assert_left_out(block)


def test_sections_whose_paragraphs_end_in_a_signature_stay() -> None:
    # A quote signed "– Name, role" is not a lede cut off mid-sentence, nor is a paragraph
    # under a line that introduces it with a colon.
    quotes = [
        "On the walls",
        "They will hold for a century, and the town will not flood again. – Jane Doe, engineer",
        "On the marsh",
        "The salt marsh takes the first of the storm surge before it reaches us. – John Roe",
    ]
    plan = [
        "Stage two (2026):",
        "The council will raise the sea wall along the promenade by half a metre and then the",
        "Stage three (2027):",
        "A second barrier will close the estuary on the highest tides of the spring and the",
    ]
    for ending in (quotes, plan):
        assert _split(_STORY + "\n".join(ending) + "\nPrivacy policy\n")[-4:] == ending


def test_interface_lines_before_a_teaser_block_do_not_end_the_story() -> None:
    # After a line that is no sentence (a caption), trailing short lines may be the end of a
    # list the story introduced; before a teaser block, they are the page's widgets.
    ending = "Pictures from the Harbour Trust, 1953"
    block = ["Related stories", "* Why the harbour walls were built", "* Walks along the estuary"]
    page = _STORY + "\n".join([ending, "Toot Bluesky Mail", *block]) + "\n"
    body = _split(page)
    assert body[-1] == ending and "Toot Bluesky Mail" not in body


def test_lines_under_one_label_no_rule_knows_do_not_end_the_story() -> None:
    # Long enough for the model to rate them story (+3): the run takes them in.
    labelled = [
        "Elsewhere: The Council Publishes Its Full Plan For The Estuary And The Harbour Walls",
        "Elsewhere: Why The Town Built Its Harbour Walls After The Storm Of 1953 And Since",
    ]
    _assert_left_out(labelled)


def test_a_changelog_of_one_component_stays() -> None:
    changes = [
        "libgccjit: Allow casts between integers and pointers of any size in the jit today",
        "libgccjit: Add support for the weak variable attribute in the front end and the jit",
    ]
    assert _split(_STORY + "\n".join(changes) + "\nPrivacy policy\n")[-2:] == changes


def test_interface_lines_after_the_story_s_list_do_not_end_it() -> None:
    ending = ["* The harbour walls", "* The estuary path"]
    page = _STORY + "\n".join([*ending, "Toot Bluesky Mail", "Privacy policy"]) + "\n"
    body = _split(page)
    assert body[-2:] == ending and "Toot Bluesky Mail" not in body
