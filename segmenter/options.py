"""The one configuration object of the library. Every default is documented here."""

from __future__ import annotations

from dataclasses import dataclass

# Lines (and simhash tokens) each process memoises per stage: the rule match, the features,
# the token hash. Repeated lines (a site's menus and footers, hostile repeats) then cost once.
# Full, the three memos of 2^16 entries held about 60 MB a worker: a feed of new pages fills
# them, and a worker stood at 230 MB. 2^14 entries hold about 16 MB; on the dev pages, read
# once in order, the features memo's hit rate falls from 35 % to 25 %.
MEMO_LINES = 1 << 14


@dataclass(frozen=True, slots=True)
class Options:
    """How `segment()` behaves.

    max_chars: inputs longer than this (after decoding) raise TooLargeError. 5 M characters is
        far above any real article page and keeps one call's time and memory bounded.
    max_lines: texts with more lines than this (blank ones included; for HTML, the lines of
        the extracted text) raise TooLargeError, counted before any line is built. The cost
        of a page is per line, and 20,000 is nine times the longest page of the dev set
        (2,199); it keeps a hostile input of millions of short or empty lines from holding a
        worker for seconds (readability.js refuses a page past `maxElemsToParse` for the
        same reason).
    strictness: how readily a borderline line is left out of the body. 0.0 keeps more (recall),
        1.0 drops more (precision); the default 0.5 is tuned for body F1 on the dev set.
    language_hint: an ISO code the caller knows; used when detection is undetermined.
    language_sample: how many characters of the body are given to language detection. The
        detector's cost grows with its input and a few hundred characters decide it.
    detect_language: turn language detection off (code "und") when the caller does not need it.
    dedupe: remove later verbatim repeats of a long line seen before (reason "duplicate").
    backfill: start the story right under its headline (from its first prose line), not at
        the densest run of paragraphs, which can begin well below the headline.
    explain: record, per line, the rule or score that decided its fate (`Result.to_dict()`
        then has "explain"). Off by default: it costs an object per line.
    deadline: a value of `time.thread_time()` (the calling thread's CPU seconds) past which
        the call raises BudgetError at the next stage boundary; None (the default): no limit.
        The web layer sets it from SEGMENTER_BUDGET; a stage of the longest page the line
        limit admits takes well under a second, so a call overruns it by that much at most.
    """

    max_chars: int = 5_000_000
    max_lines: int = 20_000
    strictness: float = 0.5
    language_hint: str | None = None
    language_sample: int = 600
    detect_language: bool = True
    dedupe: bool = True
    backfill: bool = False
    explain: bool = False
    deadline: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.strictness <= 1.0:
            raise ValueError("strictness must be between 0.0 and 1.0")
        if min(self.max_chars, self.max_lines, self.language_sample) < 1:
            raise ValueError("max_chars, max_lines and language_sample must be positive")


DEFAULT_OPTIONS = Options()
