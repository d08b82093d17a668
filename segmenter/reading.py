"""What each line of a page says, whichever scraper rendered it.

Callers do not say which tool made their text, so the renderer is recognised from the text:

- **Markdown** (html2text and the crawlers of LLM-era pipelines): `# ` headings, `[text](url)`
  links, `![alt](src)` images, `**bold**`, backslash escapes. A line is read as its words: a
  link as its text, an image as nothing, a heading without its marks; how much of the line
  was link text and whether it was a heading are kept as marks, since a line that is all
  links is a menu whatever its words say.
- **Fragment-split text** (BeautifulSoup's `get_text("\\n")`): every text node on a line of
  its own, so a sentence that holds a link or a bold word comes over several lines. Lines
  that continue a sentence are read together as one unit, so that the story's paragraph is
  judged whole, not as short fragments; so are a short label and its value ("Year Founded:" /
  "2017"), one line in any other rendering.
- Everywhere: soft hyphens and zero-width characters are not part of a word.

The stages after this one decide on units (`Reading.units`: the first line's number and the
text read); `restore` maps their decisions back onto the input lines, whose characters are
what the output shows (DESIGN.md, invariant 3). A page with none of these marks reads as it
is written: one unit a line, its text unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from .types import Decision, Line, Piece, Reason, Removed, Split, Teaser, Title

# Characters that are no part of what a line says: soft hyphen, zero-width space / joiners,
# word joiner, byte-order mark.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

_MD_IMAGE = re.compile(
    r"!\[([^\]\n]*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\s*\)"
)
_MD_LINK = re.compile(
    r"\[([^\[\]\n]*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\s*\)"
)
_MD_REF_LINK = re.compile(r"\[([^\[\]\n]+)\]\[[^\]\n]*\]")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_MD_STRONG = re.compile(r"\*\*|__")
_MD_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"
)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MD_QUOTE = re.compile(r"^(?:>\s?)+")
_SPACES = re.compile(r"\s+")
# A page is Markdown when it holds this many links or images, or a heading and a link: one
# bracketed pair in a plain page is a quotation, not a renderer's mark.
_MD_MIN_LINKS = 3

# A line that does not end a sentence, followed by one that goes on with it: it starts in
# lower case or with the punctuation that follows a word.
_OPEN_END = re.compile(r"[.!?:;。！？…]['\"’”»)\]]*$")
_CONTINUES = re.compile(r"^[,.;:!?)\]’”»%]")
# A page is fragment-split when at least this share of its lines goes on from the one above
# and at least _FRAGMENT_MIN_JOINS lines do. Measured share (dev): BeautifulSoup renderings,
# median 7.4 % (572 of 708 pages pass); inscriptis renderings, median 0 % (187 of 1,071 pass,
# where <br> breaks a sentence). Joining on every page instead: dev body F1 0.962 -> 0.961,
# boundary 0.950 -> 0.945, bs4 and Markdown unchanged.
_FRAGMENT_SHARE = 0.025
_FRAGMENT_MIN_JOINS = 4
# A link inside a sentence is at most this many words: a longer line between two fragments
# is a line of its own (a teaser's title between its kicker and its blurb).
_LINK_MAX_WORDS = 6
# A label of at most this many words, ending in a colon, on the line right above its value
# ("Office Location:" / "New York, NY": <strong>Label:</strong> value, one line in any other
# rendering). Site-grouped 5-fold CV, mean of 3 arrangements, all three renderings, body F1
# dev / bs4 / md: no such join 0.9502 / 0.9165 / 0.9328; at 4 words 0.9507 / 0.9197 / 0.9349,
# boundary 0.9118 -> 0.9137. In-sample bs4 body F1 at 2 / 4 / 6 words: 0.9241 / 0.9251 / 0.9249.
_LABEL_MAX_WORDS = 4
# A unit is at most this many lines: a sentence is not split at more links than that, and a
# run of lower-case menu items is not one sentence.
_MAX_UNIT_LINES = 12


@dataclass(frozen=True, slots=True)
class Marks:
    """What a renderer's marks said about a unit: the share of its characters inside link
    text, and its heading level (0: none)."""

    link_share: float = 0.0
    heading: int = 0


NO_MARKS = Marks()


@dataclass(frozen=True, slots=True)
class Reading:
    """The units the stages decide on, each a Line whose number is its first input line's and
    whose text is what it says; the input lines of each unit; and each unit's marks."""

    units: tuple[Line, ...]
    lines: dict[int, tuple[Line, ...]]  # first line number -> the input lines of the unit
    marks: dict[int, Marks]  # first line number -> marks; absent: NO_MARKS
    markdown: bool
    fragments: bool
    silent: tuple[Line, ...]  # non-blank input lines that say nothing (a bare image, a U+200B)


def is_markdown(lines: Sequence[Line]) -> bool:
    links = headings = 0
    for line in lines:
        if "](" in line.text:
            links += len(_MD_LINK.findall(line.text)) + len(_MD_IMAGE.findall(line.text))
        elif line.text.startswith("#") and _MD_HEADING.match(line.text):
            headings += 1
        if links >= _MD_MIN_LINKS or (links and headings):
            return True
    return False


def read_markdown(text: str) -> tuple[str, Marks]:
    """A Markdown line's words, and its marks."""
    heading = 0
    m = _MD_HEADING.match(text)
    if m:
        heading, text = len(m.group(1)), m.group(2)
    text = _MD_QUOTE.sub("", text)
    text = _MD_IMAGE.sub("", text)
    link_chars = 0
    if "](" in text or "][" in text:
        parts: list[str] = []
        last = 0
        for m in _MD_LINK.finditer(text):
            parts += [text[last : m.start()], m.group(1)]
            link_chars += len(m.group(1).strip())
            last = m.end()
        text = "".join([*parts, text[last:]])
        text = _MD_REF_LINK.sub(r"\1", text)
    text = _MD_STRONG.sub("", text)
    if "*" in text or "_" in text:
        text = _MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    text = _SPACES.sub(" ", text).strip()
    share = min(1.0, link_chars / len(text)) if text else 0.0
    return text, Marks(share, heading)


def _continues(above: str, below: str) -> bool:
    """Whether `below` goes on with the sentence `above` left open: it starts in lower case or
    with the punctuation that follows a word. (Also joining under a line that ends in a short
    lower-case word, "said the" / "European Commission": dev-bs4 body F1 +0.003, but dev's
    teaser F1 0.974 -> 0.943, teaser items run together.)"""
    if not above or not below or _OPEN_END.search(above):
        return False
    return below[0].islower() or bool(_CONTINUES.match(below))


def _link_inside(above: str, text: str, below: str) -> bool:
    """Whether `text` is a link's (or a bold word's) text inside the sentence around it: a
    few words between a line that stops mid-sentence (on a lower-case word or a comma, not
    on a headline's capitalised last word) and one that goes on with it ("said the" /
    "European Commission" / "on Monday.")."""
    words = above.split()
    last = words[-1] if words else ""
    return (
        len(text.split()) <= _LINK_MAX_WORDS
        and (last[:1].islower() or last.endswith(","))
        and _continues(text, below)
    )


def _labels(label: str, value: str) -> bool:
    """Whether `value`, on the line right under `label`, is the value that label names: as
    <strong>Label:</strong> value renders when each text node is a line of its own."""
    return (
        label.endswith(":") and len(label.split()) <= _LABEL_MAX_WORDS and not value.endswith(":")
    )


def _fragment_split(lines: Sequence[Line]) -> bool:
    joins = sum(_continues(a.text, b.text) for a, b in pairwise(lines))
    nonblank = sum(1 for line in lines if line.text)
    return joins >= _FRAGMENT_MIN_JOINS and joins >= _FRAGMENT_SHARE * max(1, nonblank)


def read(lines: Sequence[Line]) -> Reading:
    """The units of a page's lines (blank lines included in `lines`, none in the units)."""
    markdown = is_markdown(lines)
    fragments = _fragment_split(lines)
    said: list[tuple[Line, str, Marks]] = []  # input line, what it says, its marks
    silent: list[Line] = []
    for line in lines:
        if not line.text:
            said.append((line, "", NO_MARKS))
            continue
        text, marks = line.text, NO_MARKS
        if markdown:
            text, marks = read_markdown(text)
        if "\u00ad" in text or not text.isascii():
            text = _INVISIBLE.sub("", text)
        if not text.strip():
            silent.append(line)
            said.append((line, "", NO_MARKS))
            continue
        said.append((line, text, marks))

    units: list[Line] = []
    members: dict[int, tuple[Line, ...]] = {}
    unit_marks: dict[int, Marks] = {}
    group: list[tuple[Line, str, Marks]] = []

    def close() -> None:
        if not group:
            return
        first = group[0][0]
        text = " ".join(t for _, t, _ in group)
        units.append(Line(first.number, text))
        if len(group) > 1 or text != first.text:
            members[first.number] = tuple(line for line, _, _ in group)
        chars = sum(len(t) for _, t, _ in group) or 1
        share = sum(m.link_share * len(t) for _, t, m in group) / chars
        heading = group[0][2].heading
        if share or heading:
            unit_marks[first.number] = Marks(round(share, 4), heading)
        group.clear()

    for i, (line, text, marks) in enumerate(said):
        if not text:
            close()
            continue
        joined = (
            fragments
            and group
            and len(group) < _MAX_UNIT_LINES
            and not marks.heading
            and not group[0][2].heading
            and (
                _continues(group[-1][1], text)
                or (
                    # the label opens its unit, and no blank line stands between the two
                    len(group) == 1
                    and line.number == group[0][0].number + 1
                    and _labels(group[0][1], text)
                )
                or _link_inside(group[-1][1], text, said[i + 1][1] if i + 1 < len(said) else "")
            )
        )
        if not joined:
            close()
        group.append((line, text, marks))
    close()
    return Reading(tuple(units), members, unit_marks, markdown, fragments, tuple(silent))


def restore(parts: Split, reading: Reading, lines: Sequence[Line], explain: bool = False) -> Split:
    """The split of the units as a split of the input `lines` (all of them, numbered from 1):
    a unit's lines keep its fate (a body unit is one piece over its lines), and the texts are
    the input's."""
    if not reading.lines and not reading.silent:
        return parts
    members = reading.lines

    def raw(number: int) -> tuple[Line, ...]:
        return members.get(number, ())

    title = parts.title
    extra: list[Removed] = []
    if title is not None and title.line in members:
        title, extra = _restore_title(title, raw(title.line))
    body = []
    for p in parts.body:
        lines = raw(p.line)
        if not lines:
            body.append(p)
        elif len(lines) == 1:
            body.append(Piece(lines[0].text, p.line))
        else:
            body.append(Piece("\n".join(x.text for x in lines), p.line, lines[-1].number))
    removed = [*extra]
    for r in parts.removed:
        lines = raw(r.line)
        if not lines:
            removed.append(r)
        else:
            removed.extend(replace(r, text=x.text, line=x.number) for x in lines)
    teasers = [_restore_teaser(t, members, lines) for t in parts.teasers]
    # A line that says nothing inside a teaser's span is the teaser's, not also residue.
    spans = [(t.line, t.end_line or t.line) for t in teasers]
    held = {x.number for x in reading.silent if any(a <= x.number <= b for a, b in spans)}
    removed.extend(
        Removed(line.text, line.number, Reason.OTHER, "no-text")
        for line in reading.silent
        if line.number not in held
    )
    decisions: list[Decision] = []
    for d in parts.decisions:
        lines = raw(d.line)
        decisions.extend([replace(d, line=x.number) for x in lines] if lines else [d])
    if explain:
        decisions.extend(Decision(line.number, "removed", "no-text") for line in reading.silent)
    return Split(
        title=title,
        body=tuple(body),
        teasers=tuple(teasers),
        removed=tuple(sorted(removed, key=lambda r: r.line)),
        decisions=tuple(sorted(decisions, key=lambda d: d.line)),
    )


def _restore_title(title: Title, lines: tuple[Line, ...]) -> tuple[Title, list[Removed]]:
    """The title over the unit's input lines when it is all of them (a headline split at its
    links); else on the input line that holds its headline, the unit's other lines removed.
    The headline is cut out of the input line where it stands in it, so that prefix, text and
    suffix still make up the line."""
    headline = title.text
    if len(lines) > 1 and headline == " ".join(x.text for x in lines):
        return Title(
            "\n".join(x.text for x in lines), lines[0].number, end_line=lines[-1].number
        ), []
    host = next((x for x in lines if headline in x.text), None)
    if host is None:
        # The words were read together from several lines or out of marks: the headline is
        # the first line's read text when it is part of that line, else the line itself.
        host = lines[0]
        headline = host.text
    at = host.text.find(headline)
    end = at + len(headline)
    # Characters reading dropped as invisible (a soft hyphen, a zero-width space) next to the
    # headline are the headline's: kept apart, the parts would not make up the line.
    if not _INVISIBLE.sub("", host.text[:at]).strip():
        at = 0
    if not _INVISIBLE.sub("", host.text[end:]).strip():
        end = len(host.text)
    headline = host.text[at:end]
    prefix = host.text[:at].strip() or None
    suffix = host.text[end:].strip() or None
    others = [
        Removed(x.text, x.number, Reason.OTHER, "title-fragment") for x in lines if x is not host
    ]
    return Title(headline, host.number, prefix, suffix), others


def _restore_teaser(
    t: Teaser, members: dict[int, tuple[Line, ...]], lines: Sequence[Line]
) -> Teaser:
    start, last = t.line, t.end_line or t.line
    # Any of its units may have been joined, not only its first and last.
    if not any(n in members for n in range(start, last + 1)):
        return t
    tail = members.get(last)
    end = tail[-1].number if tail else last
    # The teaser's parts must be pieces of its input lines: when reading joined them or read
    # them without their marks, its text is its input lines as given.
    source = "\n".join(x.text for x in lines[start - 1 : end] if x.text)
    text = t.text
    if any(part not in source for part in text.split("\n")):
        text = source
    title = t.title if t.title is None or t.title in source else None
    kicker = t.kicker if t.kicker is None or t.kicker in source else None
    return replace(t, text=text, title=title, kicker=kicker, end_line=end if end != start else None)
