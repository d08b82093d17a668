"""A 64-bit simhash of the story body: trafilatura's deduplication Simhash (its token sampling,
its blake2b token hashes, Charikar's sum), computed as one numpy product of the token counts
and the hashes' bits instead of one 64-wide list addition per token, which made it a fifth of
the pipeline's time. tests/test_fingerprint.py holds it bit-identical to
`trafilatura.deduplication.Simhash`."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from hashlib import blake2b

import numpy as np
from trafilatura.deduplication import sample_tokens

from .options import MEMO_LINES

_BITS = 64


@lru_cache(maxsize=MEMO_LINES)
def _hash(token: str) -> bytes:
    """The token's 64-bit hash, lowest byte first (pure: the cache saves work)."""
    return blake2b(token.encode(), digest_size=8).digest()[::-1]  # blake2b's is big-endian


def simhash_int(text: str) -> int:
    """trafilatura's Simhash(text).hash."""
    # Each distinct token once, weighted by its count: the same sums, far less work on
    # repetitive text.
    return _from_counts(Counter(sample_tokens(text, _BITS)))


def _from_counts(counts: Counter[str]) -> int:
    if not counts:
        return (1 << _BITS) - 1  # all sums are 0, and 0 counts as set, as in trafilatura
    hashes = np.frombuffer(b"".join(map(_hash, counts)), dtype=np.uint8).reshape(-1, 8)
    bits = np.unpackbits(hashes, axis=1, bitorder="little")  # column i: bit i
    weights = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    # Charikar's sum per bit, +count where the bit is set and -count where it is not, is
    # 2 * (the counts where it is set) - (all counts); bit i of the hash is set where it is >= 0.
    kept = 2 * (weights @ bits) >= weights.sum()
    return int.from_bytes(np.packbits(kept, bitorder="little").tobytes(), "little")


def simhash(text: str) -> str | None:
    """16 hex digits, zero-padded so every fingerprint has the same width; None for a text
    without a token to hash, whose simhash (all bits set) would make every such page look
    like a duplicate of every other."""
    counts = Counter(sample_tokens(text, _BITS))
    return f"{_from_counts(counts):016x}" if counts else None


def distance(a: str, b: str) -> int:
    """Hamming distance between two fingerprints (0 = same, 64 = opposite)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
