"""The library's exceptions. Callers catch `SegmenterError` or one of its children:

SegmenterError
├── InputError          the input cannot be processed (the web layer answers 4xx)
│   ├── DecodeError     bytes that decode to no text in any supported encoding
│   ├── EmptyInputError no non-blank line
│   └── TooLargeError   over Options.max_chars or max_lines
├── BudgetError         past Options.deadline: the call gave up (the web layer answers 503)
└── RulesError          the packaged rule files are missing or malformed (a build bug)
"""


class SegmenterError(Exception):
    """Base of every error this library raises on purpose."""


class InputError(SegmenterError, ValueError):
    """The caller's input cannot be segmented."""


class DecodeError(InputError):
    """Bytes that cannot be decoded to text."""


class EmptyInputError(InputError):
    """Input that holds no text (no non-blank line)."""


class TooLargeError(InputError):
    """Input over the configured size limit."""


class BudgetError(SegmenterError):
    """The call used up its CPU time (Options.deadline) and stopped between two stages."""


class RulesError(SegmenterError):
    """Packaged rule data is missing or malformed."""
