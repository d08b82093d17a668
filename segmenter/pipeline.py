"""The only place the stages meet: normalize -> clean -> split -> language -> fingerprint."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from .clean import clean
from .errors import BudgetError, EmptyInputError, TooLargeError
from .features import page_stopwords
from .fingerprint import simhash
from .language import UNDETERMINED, detect, sample
from .markup import html_to_text
from .normalize import count_lines, decode, normalize_text, split_lines
from .options import DEFAULT_OPTIONS, Options
from .reading import Reading, read, restore
from .split import split
from .types import Cleaned, Line, Result


def segment(
    text: str | bytes,
    options: Options | None = None,
    *,
    id: str | None = None,
    charset: str | None = None,
    url: str | None = None,
) -> Result:
    """Segment the plain text of a page (str, or bytes decoded by BOM, charset, UTF-8, then
    detection) into title, body, teasers and removed residue. `url`, when known, helps find
    the title (its slug often repeats the headline's words)."""
    opts = options or DEFAULT_OPTIONS
    raw = decode(text, charset) if isinstance(text, bytes) else text
    return _run(raw, opts, id, "text", url)


def segment_html(
    markup: str | bytes,
    options: Options | None = None,
    *,
    id: str | None = None,
    charset: str | None = None,
    url: str | None = None,
) -> Result:
    """Segment a page given as HTML: trafilatura turns it into text, then `segment` runs."""
    opts = options or DEFAULT_OPTIONS
    raw = decode(markup, charset) if isinstance(markup, bytes) else markup
    _check_chars(raw, opts)
    return _run(html_to_text(raw), opts, id, "html", url)


def segment_record(record: Any, options: Options | None = None) -> Result:
    """One batch record ({"text"|"html", "id"?, "url"?, "language"?}) to a Result, as the
    CLI's batch and segmenter.dask read them; ValueError names what is wrong with it."""
    if not isinstance(record, dict):
        raise ValueError("a record must be a JSON object")
    opts = options or DEFAULT_OPTIONS
    rid = record.get("id")
    rid = None if rid is None else str(rid)
    lang = record.get("language")
    if lang is not None and not isinstance(lang, str):
        raise ValueError("'language' must be a string")
    if lang:
        opts = replace(opts, language_hint=lang)
    url = record.get("url")
    url = url if isinstance(url, str) and url else None
    if "text" in record and "html" in record:
        # The service's rule too (a 400 there): which one the caller meant cannot be known.
        raise ValueError("give 'text' or 'html', not both")
    if isinstance(record.get("text"), str):
        return segment(record["text"], opts, id=rid, url=url)
    if isinstance(record.get("html"), str):
        return segment_html(record["html"], opts, id=rid, url=url)
    raise ValueError("a record needs a string field 'text' or 'html'")


def warm_up() -> None:
    """Load everything a first request would otherwise pay for: the rules, the language
    profiles, and the tables trafilatura builds on first use."""
    from . import language, ruleset

    ruleset.load_all()
    language.load()
    segment("A warm-up line of text, long enough to be a paragraph of a story, or so.")
    simhash("。")  # a text with no latin tokens builds trafilatura's punctuation table


def _check_chars(text: str, opts: Options) -> None:
    if len(text) > opts.max_chars:
        raise TooLargeError(f"the text has {len(text)} characters; the limit is {opts.max_chars}")


def _check_lines(text: str, opts: Options) -> None:
    # Lines of the text to segment: the cost is per line of text, not per line of markup.
    lines = count_lines(text)
    if lines > opts.max_lines:
        raise TooLargeError(f"the text has {lines} lines; the limit is {opts.max_lines}")


def _check_budget(opts: Options) -> None:
    if opts.deadline is not None and time.thread_time() > opts.deadline:
        raise BudgetError("the request used up its CPU time budget")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A page up to the split: its input lines, what they say (reading.py), the residue the
    cleaner removed, and the stop words of its language."""

    lines: tuple[Line, ...]
    reading: Reading
    cleaned: Cleaned
    stops: frozenset[str]


def prepare(raw: str) -> Prepared:
    """Normalize, split into lines, read and clean a page's text (the split's input)."""
    lines = split_lines(normalize_text(raw))
    if not any(line.text for line in lines):
        raise EmptyInputError("the input holds no text: every line is blank")
    reading = read(lines)
    cleaned = clean(reading.units)
    _, stops = page_stopwords([line.text for line in cleaned.kept])
    return Prepared(lines, reading, cleaned, stops)


def _run(raw: str, opts: Options, id: str | None, source: str, url: str | None) -> Result:
    _check_chars(raw, opts)
    _check_lines(raw, opts)
    _check_budget(opts)
    page = prepare(raw)
    _check_budget(opts)
    lines = page.lines
    parts = split(page.cleaned, page.stops, opts, url, marks=page.reading.marks)
    _check_budget(opts)
    parts = restore(parts, page.reading, lines, opts.explain)
    body_texts = [p.text for p in parts.body]
    if opts.detect_language:
        language = detect(sample(body_texts, opts.language_sample), opts.language_hint)
    else:
        language = UNDETERMINED
    return Result(
        title=parts.title,
        body=parts.body,
        teasers=parts.teasers,
        removed=parts.removed,
        language=language,
        fingerprint=simhash("\n".join(body_texts)),
        lines=len(lines),
        final_break=raw.endswith(("\n", "\r")),
        id=id,
        source=source,
        decisions=parts.decisions,
    )
