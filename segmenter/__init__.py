"""segmenter: boilerplate stripping and article segmentation for the plain text of news pages.

    >>> import segmenter
    >>> result = segmenter.segment(open("seeds/002_0b1dbd43aa0014da.txt").read())
    >>> result.title.text
    'South Korea demands North Korea pulls its troops out of Russia immediately'

`segment(text_or_bytes, options)` and `segment_html(markup, options)` return a frozen `Result`;
`Result.to_dict()` is the JSON of the service and the CLI. Errors derive from `SegmenterError`.
"""

from .errors import (
    DecodeError,
    EmptyInputError,
    InputError,
    RulesError,
    SegmenterError,
    TooLargeError,
)
from .options import Options
from .pipeline import segment, segment_html
from .types import Language, Piece, Reason, Removed, Result, Teaser, Title

__version__ = "0.1.0"

__all__ = [
    "DecodeError",
    "EmptyInputError",
    "InputError",
    "Language",
    "Options",
    "Piece",
    "Reason",
    "Removed",
    "Result",
    "RulesError",
    "SegmenterError",
    "Teaser",
    "Title",
    "TooLargeError",
    "__version__",
    "segment",
    "segment_html",
]
