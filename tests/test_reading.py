"""Reading a renderer's text: Markdown marks, fragment-split sentences, invisible characters."""

from __future__ import annotations

import pytest

from conftest import STORY as STORY_LINES
from segmenter import segment
from segmenter.normalize import split_lines
from segmenter.reading import _restore_title, is_markdown, read, read_markdown
from segmenter.types import Line, Title


@pytest.mark.parametrize(
    ("line", "said", "link_share", "heading"),
    [
        ("# Floods close the bridge", "Floods close the bridge", 0.0, 1),
        ("### Where it rained ###", "Where it rained", 0.0, 3),
        ("* [News](/news)", "* News", 0.67, 0),
        ("[![logo](/img.png) Sign in](https://example.com/login)", "Sign in", 1.0, 0),
        ("![A flooded street](https://example.com/a.jpg)", "", 0.0, 0),
        (
            "The **mayor** said the [bridge](/b) would reopen.",
            "The mayor said the bridge would reopen.",
            0.15,
            0,
        ),
        ("Prices rose 3 \\- 4 \\% \\[sic\\]", "Prices rose 3 - 4 \\% [sic]", 0.0, 0),
        ("> A quoted line", "A quoted line", 0.0, 0),
        ("a_b_c stays, as does 2*3*4", "a_b_c stays, as does 2*3*4", 0.0, 0),
    ],
)
def test_markdown_lines_are_read_as_their_words(
    line: str, said: str, link_share: float, heading: int
) -> None:
    text, marks = read_markdown(line)
    assert text == said
    assert marks.link_share == pytest.approx(link_share, abs=0.01)
    assert marks.heading == heading


def test_a_page_is_markdown_only_when_it_has_the_marks() -> None:
    plain = split_lines("He said [sic] it was fine.\nThe end (of it).")
    assert not is_markdown(plain)
    md = split_lines("# Title\n\nSee [the report](https://example.com/r).")
    assert is_markdown(md)


STORY = "\n".join(STORY_LINES)
FRAGMENTS = (
    "Menu\n"
    "Council approves the new flood barrier\n"
    "The council voted on Tuesday to build a barrier along the river, after the\n"
    "floods of last winter\n"
    ", which closed the bridge for a month.\n"
    "Work starts in\n"
    "May\n"
    "and should take two years, the\n"
    "mayor\n"
    "said.\n"
    "It will cost about 40 million euros, paid by the region and the state together.\n"
    "Residents who lost their homes will be the first to be asked about the design.\n"
)


def test_fragments_of_one_sentence_are_read_together() -> None:
    reading = read(split_lines(FRAGMENTS))
    assert reading.fragments
    said = [u.text for u in reading.units]
    assert (
        "The council voted on Tuesday to build a barrier along the river, after the floods of "
        "last winter , which closed the bridge for a month." in said
    )
    # A link's capitalised text inside a sentence ("in" / "May" / "and should") joins it.
    assert "Work starts in May and should take two years, the mayor said." in said
    # A line that ends a sentence, or a line under one in capitals, starts a unit of its own.
    assert "Council approves the new flood barrier" in said


def test_a_label_and_its_value_are_read_as_one_line() -> None:
    # <strong>Label:</strong> value, each text node a line: one line in any other rendering.
    facts = (
        "Year Founded:\n2017\n"
        "Team Size:\n\n50 employees\n"  # a blank line: the page's own break
        "Key facts:\nLocation:\nParis\n"  # a label under a label is no value
        "Here are the offerings we found in the catalogue:\nPodcasts\n"  # a sentence's colon
    )
    said = [u.text for u in read(split_lines(FRAGMENTS + facts)).units]
    assert "Year Founded: 2017" in said
    assert {"Team Size:", "50 employees", "Key facts:", "Location: Paris", "Podcasts"} <= set(said)
    # Text that is not fragment-split reads as written.
    plain = [u.text for u in read(split_lines("Year Founded:\n2017\n")).units]
    assert plain == ["Year Founded:", "2017"]


def test_a_headline_does_not_take_in_the_byline_under_it() -> None:
    # A headline ends on a capitalised word, not mid-sentence: "Written" / "by ..." under it
    # is a byline's fragments, not the rest of its sentence.
    text = "Five platforms to find a business for Sale\nWritten\nby Jane Doe\n" + FRAGMENTS
    said = [u.text for u in read(split_lines(text)).units]
    assert "Five platforms to find a business for Sale" in said
    assert "Written by Jane Doe" in said


def test_a_fragment_split_story_comes_out_as_pieces_over_its_lines() -> None:
    result = segment(FRAGMENTS)
    pieces = {p.line: p for p in result.body}
    assert pieces[3].end_line == 5
    assert pieces[3].text == "\n".join(FRAGMENTS.split("\n")[2:5])
    numbers = [n for p in result.body for n in range(p.line, (p.end_line or p.line) + 1)]
    numbers += [r.line for r in result.removed]
    numbers += [result.title.line] if result.title else []
    assert sorted(numbers) == list(range(1, 13))


def test_plain_text_reads_as_written() -> None:
    reading = read(split_lines(STORY))
    assert not reading.markdown and not reading.fragments
    assert not reading.lines and not reading.marks
    assert [u.text for u in reading.units] == STORY_LINES


def test_markdown_title_comes_without_its_marks() -> None:
    page = "[Home](/) [World](/world) [Sport](/sport)\n\n# " + STORY
    result = segment(page)
    assert result.title is not None
    assert result.title.text == STORY_LINES[0]
    assert result.title.prefix == "#"
    assert result.title.line == 3


def test_a_bare_image_line_is_removed_as_markup() -> None:
    page = "# Floods\n\n![](https://example.com/pixel.gif)\n\n[Home](/) [World](/world)\n\n" + STORY
    result = segment(page)
    removed = {r.line: r for r in result.removed}
    assert removed[3].rule == "no-text"


def test_soft_hyphens_do_not_split_words() -> None:
    reading = read(split_lines("Die Bundes\u00adregierung hat am Dienstag entschieden."))
    assert reading.units[0].text == "Die Bundesregierung hat am Dienstag entschieden."


def test_a_title_read_without_an_invisible_character_keeps_its_line_whole() -> None:
    # Reading drops the soft hyphen, so the read headline stands in its line one character
    # in: cut there, prefix and headline joined by a space would not be the line.
    title, others = _restore_title(Title("_0:b", 1), (Line(1, "\u00ad_0:b"),))
    assert (title.text, title.prefix, title.line_text) == ("\u00ad_0:b", None, "\u00ad_0:b")
    assert not others
    # A breadcrumb before the headline is still cut off as its prefix.
    crumbs, _ = _restore_title(
        Title("Floods close the bridge", 1), (Line(1, "News » Floods close the bridge"),)
    )
    assert (crumbs.prefix, crumbs.text) == ("News »", "Floods close the bridge")
