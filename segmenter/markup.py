"""HTML input: the only module that imports trafilatura's extraction (named markup, not html,
so that it never shadows the standard library's html module). The page's markup becomes plain
text (title first, then the extracted text), and the text pipeline runs on it."""

from __future__ import annotations

from trafilatura import bare_extraction

from .errors import EmptyInputError


def html_to_text(markup: str) -> str:
    """Title and main text of a page, one paragraph a line."""
    doc = bare_extraction(
        markup,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
    )
    if doc is None:
        raise EmptyInputError("the HTML holds no text that could be extracted")
    title = (getattr(doc, "title", None) or "").strip()
    text = (getattr(doc, "text", None) or "").strip()
    if not text and not title:
        raise EmptyInputError("the HTML holds no text that could be extracted")
    return f"{title}\n\n{text}" if title else text
