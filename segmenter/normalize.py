"""Decoding and small str -> str fixes, then the split into numbered lines.

Lines are split on "\\r\\n", "\\r" and "\\n" only (not on the other separators that
`str.splitlines` knows), so line numbers match what `wc -l`-style tools and editors show.
"""

from __future__ import annotations

import re
import unicodedata

from charset_normalizer import from_bytes

from .errors import DecodeError
from .types import Line

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_NEWLINE = re.compile(r"\r\n|\r|\n")
# Spaces other than " " that fold to one: only characters that str.strip() also treats as
# space, so that a line is blank here exactly when the contract says it is (line.strip() == "").
_OTHER_SPACES = "\t\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"


def decode(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: a BOM wins, then the declared charset, then UTF-8, then (on short input)
    Windows-1252 when it reads as Western text, then detection.

    A declared charset that fails to decode is treated as a lie and detection takes over.
    Raises DecodeError when nothing gives text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding.replace("-sig", ""), errors="replace")
    candidates = [charset] if charset else []
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    if len(data) < SHORT_BYTES:
        western = _western(data)
        if western is not None:
            return western
    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("the bytes are not text in any encoding that could be detected")
    return str(best)


# Below this many bytes, statistical detection guesses from too few characters: a Latin-1
# "très" came out as Windows-1250 "trčs" or as two CJK characters, "año niño" as CJK. From a
# few hundred bytes on, charset_normalizer reads French, German and Czech right.
SHORT_BYTES = 256


def _western(data: bytes) -> str | None:
    """`data` as Windows-1252 (a superset of Latin-1's printable range) when the result reads
    as Western text, else None. It reads so when every non-ASCII character inside a word is a
    letter (Windows-1250 Polish read as 1252 puts '¿' and '³' inside words) and at most half
    of the letters are non-ASCII (Cyrillic or Greek bytes read as 1252 are all accented
    Latin letters, while Western words are mostly ASCII)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = accented = 0
    for i, ch in enumerate(text):
        if ch.isalpha():
            letters += 1
            accented += not ch.isascii()
        elif (
            not ch.isascii()
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            return None
    return text if 2 * accented <= letters else None


def normalize_text(text: str) -> str:
    """NFC, so that the same words typed two ways compare equal. Nothing else is dropped:
    every character the caller sent stays accounted for."""
    return unicodedata.normalize("NFC", text)


def count_lines(text: str) -> int:
    """How many lines `split_lines` will return, without building them."""
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def split_lines(text: str) -> tuple[Line, ...]:
    """All lines, blank ones included, numbered from 1, each as it appears in the output:
    outer whitespace stripped, runs of spaces (no-break and wide ones too) folded to one."""
    # No space folded is a line break, so folding the whole text at once is the same as
    # folding each line, and one pass over the text is much cheaper than one a line.
    text = fold_spaces(text)
    parts = _NEWLINE.split(text) if "\r" in text else text.split("\n")
    return tuple(map(Line, range(1, len(parts) + 1), map(str.strip, parts)))


def fold_spaces(text: str) -> str:
    """Every run of spaces (no-break and wide ones too) to one " "."""
    # str.replace runs at memory speed; a regular expression over the same class costs ten
    # times as much on ordinary text, where almost every match is a single " ".
    for space in _OTHER_SPACES:
        if space in text:
            text = text.replace(space, " ")
    while "  " in text:  # each pass halves every run: log2(longest run) passes
        text = text.replace("  ", " ")
    return text
