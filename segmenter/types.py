"""Frozen data passed between the stages, and the closed set of removal reasons.

Every stage takes these objects and returns new ones; none is mutated after it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    """Why a line was removed. This is the one place the closed set is defined."""

    NAVIGATION = "navigation"  # menus, skip links, breadcrumbs, log-in and account links
    ADVERT = "advert"  # ad slots, "Advertisement", sponsored labels
    CREDIT = "credit"  # photo / image / video credits
    CAPTION = "caption"  # image captions and gallery counters
    SHARE = "share"  # share, print, comment and follow widgets
    COOKIE = "cookie"  # cookie and consent banners
    NEWSLETTER = "newsletter"  # newsletter sign-up prompts
    SUBSCRIPTION = "subscription"  # paywalls and subscription prompts
    FOOTER = "footer"  # copyright, legal links and anything after the story and teasers
    RELATED_HEADER = "related-header"  # "Related", "Most read", "More from ..." block headers
    BYLINE = "byline"  # "By Jane Doe", author lines outside the story
    DATELINE = "dateline"  # publication dates and reading times outside the story
    DUPLICATE = "duplicate"  # a line repeated verbatim from earlier in the page
    OTHER = "other"  # outside the story, matched by no more specific rule


@dataclass(frozen=True, slots=True)
class Line:
    """One input line: its 1-based number and its text, stripped of outer whitespace."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of the input kept as story text (title or body paragraph)."""

    text: str
    line: int
    end_line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "line": self.line}
        if self.end_line is not None:
            out["end_line"] = self.end_line
        return out


@dataclass(frozen=True, slots=True)
class Title:
    """The headline. `prefix` (a list mark, a breadcrumb trail) and `suffix` (a site or
    section name) are the parts of its line kept out of `text`, reported so that nothing of
    the line is lost: the line is the non-empty parts joined by single spaces."""

    text: str
    line: int
    prefix: str | None = None
    suffix: str | None = None
    # A headline split over several lines (a renderer broke it at a link): its last line; the
    # text then joins the lines with "\n", and has no prefix or suffix.
    end_line: int | None = None

    @property
    def line_text(self) -> str:
        return " ".join(p for p in (self.prefix, self.text, self.suffix) if p)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "line": self.line}
        if self.end_line is not None:
            out["end_line"] = self.end_line
        if self.prefix is not None:
            out["prefix"] = self.prefix
        if self.suffix is not None:
            out["suffix"] = self.suffix
        return out


@dataclass(frozen=True, slots=True)
class Removed:
    """A line that is not story text, with the reason and the rule that decided it."""

    text: str
    line: int
    reason: Reason
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "line": self.line, "reason": self.reason.value}


@dataclass(frozen=True, slots=True)
class Teaser:
    """A blurb of another article appended after the story.

    `label` is a per-item prefix such as "Related" or a list number, kept out of `text` but
    reported so that nothing of the line is lost.
    """

    kicker: str | None
    title: str | None
    text: str
    truncated: bool
    line: int
    end_line: int | None = None
    label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kicker": self.kicker,
            "title": self.title,
            "text": self.text,
            "truncated": self.truncated,
            "line": self.line,
        }
        if self.end_line is not None:
            out["end_line"] = self.end_line
        if self.label is not None:
            out["label"] = self.label
        return out


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # ISO 639-1 (or langdetect's code such as "zh-cn"); "und" when undetermined
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class Decision:
    """Why one line ended where it did (explain mode)."""

    line: int
    fate: str  # "title", "body", "teaser" or "removed"
    rule: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "fate": self.fate, "rule": self.rule}
        if self.score is not None:
            out["score"] = self.score
        return out


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Output of the cleaner: the lines still in play, and those removed as residue."""

    kept: tuple[Line, ...]
    removed: tuple[Removed, ...]


@dataclass(frozen=True, slots=True)
class Split:
    """Output of the splitter."""

    title: Title | None
    body: tuple[Piece, ...]
    teasers: tuple[Teaser, ...]
    removed: tuple[Removed, ...]
    decisions: tuple[Decision, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    """What `segment()` returns; `to_dict()` is the JSON contract of DESIGN.md."""

    title: Title | None
    body: tuple[Piece, ...]
    teasers: tuple[Teaser, ...]
    removed: tuple[Removed, ...]
    language: Language
    fingerprint: str | None  # None when the body has no word to hash
    lines: int  # numbered lines, a last empty one after a final line break included
    id: str | None = None
    source: str = "text"
    # stats.lines counts as `wc -l` does: a final line break ends the last line, it does not
    # start an empty one (`lines` keeps that one: it is numbered, and the line limit counts it).
    final_break: bool = False
    decisions: tuple[Decision, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract; with "explain" when the result was made with Options(explain=True)."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["title"] = self.title.to_dict() if self.title else None
        out["body"] = [p.to_dict() for p in self.body]
        out["teasers"] = [t.to_dict() for t in self.teasers]
        out["removed"] = [r.to_dict() for r in self.removed]
        out["language"] = self.language.to_dict()
        out["fingerprint"] = self.fingerprint
        out["source"] = self.source
        out["stats"] = {
            "lines": self.lines - self.final_break,
            "body_lines": sum(_span(p.line, p.end_line) for p in self.body),
            "teasers": len(self.teasers),
            "removed": len(self.removed),
        }
        if self.decisions:
            out["explain"] = [d.to_dict() for d in self.decisions]
        return out


def _span(line: int, end_line: int | None) -> int:
    return 1 if end_line is None else end_line - line + 1
