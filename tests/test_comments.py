"""A comment thread after the story: where it starts, and what is not one."""

from __future__ import annotations

from conftest import FIXTURES, STORY
from segmenter import segment
from segmenter.clean import clean
from segmenter.comments import thread_start
from segmenter.types import Line


def start(texts: list[str]) -> int | None:
    return thread_start(clean(tuple(Line(n, t) for n, t in enumerate(texts, start=1))))


def test_a_comment_header_over_commenters_and_dates_opens_a_thread() -> None:
    page = (FIXTURES / "pages" / "comments.txt").read_text(encoding="utf-8")
    assert start(page.splitlines()) == 6
    assert start([*STORY, "4 Comments", "1. Rik Heywood says:", "March 12, 2024 at 9:41 am"]) == 6
    assert start([*STORY, "Leave a Reply", "Ana Costa", "2 hours ago", "Reply"]) == 6
    # a comment form under the header
    assert start([*STORY, "View comments (27)", "Terms of Use", "Your name *", "Comment *"]) == 6


def test_what_is_not_a_thread() -> None:
    # a comment link over a teaser block whose titles are dated
    teasers = ["More from Travel", "Code Kata: Formatting Strings", "23 hours ago"]
    teasers += ["The Best Blogs on Simple Living", "21 June 2024"]
    assert start([*STORY, "Comments", *teasers]) is None
    # a comment header with no comment under it
    assert start([*STORY, "12 Comments", *STORY[1:]]) is None
    # a line that names comments is not a header
    named = "Comments from residents were mostly favourable."
    assert start([*STORY, named, "Reply", "Reply"]) is None


def test_the_thread_is_never_the_story_unless_nothing_comes_before_it() -> None:
    page = (FIXTURES / "pages" / "comments.txt").read_text(encoding="utf-8")
    result = segment(page)
    assert [p.line for p in result.body] == [2, 3, 4, 5]
    assert {r.line for r in result.removed if r.rule == "comment-thread"} >= set(range(7, 19))
    # A comment count above the story, with dates under it, does not hide the story.
    top = ["12 Comments", "March 12, 2024", "By Jane Doe | March 12, 2024", *STORY]
    assert [p.line for p in segment("\n".join(top)).body] == [5, 6, 7, 8]


def test_comment_threads_in_other_languages() -> None:
    # the headers, commenters' lines and dates of each language's file (rules/lang/*.json)
    assert start([*STORY, "3 Kommentare", "Max Mustermann sagt:", "12. März 2024 um 9:41 Uhr"]) == 6
    assert start([*STORY, "Schreibe einen Kommentar", "Anna", "vor 2 Stunden", "Antworten"]) == 6
    assert start([*STORY, "2 comentarios", "Juan dice:", "hace 2 horas", "Responder"]) == 6
    assert start([*STORY, "Laisser un commentaire", "Marie", "il y a 3 heures", "Répondre"]) == 6
    assert start([*STORY, "Lascia un commento", "Nome *", "Email *"]) == 6
    assert start([*STORY, "Deixe um comentário", "Nome *", "E-mail *"]) == 6
    assert start([*STORY, "5 reacties", "Jan zegt:", "2 uur geleden"]) == 6
    # a story line that names comments is no header, in any language
    named = "Kommentare von Lesern zeigen, wie gespalten die Stadt ist."
    assert start([*STORY, named, "Antworten"]) is None
