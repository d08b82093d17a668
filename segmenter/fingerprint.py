"""A 64-bit simhash of the story body, from trafilatura's deduplication utilities: the same
story told by two outlets lands a few bits apart."""

from __future__ import annotations

from trafilatura.deduplication import Simhash


def simhash(text: str) -> str:
    """16 hex digits, zero-padded so every fingerprint has the same width."""
    return f"{Simhash(text).hash:016x}"


def distance(a: str, b: str) -> int:
    """Hamming distance between two fingerprints (0 = same, 64 = opposite)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
