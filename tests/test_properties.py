"""The four invariants of DESIGN.md as properties, over generated text and over real pages
with random edits.

    1. lossless accounting: every non-blank line exactly once, in order, with its number
    2. deterministic: the same input gives byte-identical JSON (also across processes)
    3. nothing invented: every output text is a piece of its input line(s)
    4. never crashes: any str or bytes gives a Result or a documented InputError

Profiles: `ci` (default, quick) and `long` (`HYPOTHESIS_PROFILE=long python -m pytest
tests/test_properties.py`, 100,000 examples per property).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SEEDS
from segmenter import InputError, Options, Result, segment
from segmenter.normalize import count_lines, normalize_text, split_lines

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=100_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PAGES = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
PAGES += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "pages").glob("*.txt"))]
REAL_LINES = sorted({line for page in PAGES for line in page.splitlines() if line.strip()})

SEPARATORS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n \n", "\r\n\r\n"])
ODD = st.sampled_from(
    [
        "\u200b",
        "\ufeff",
        "\u00a0",
        "\u202e",
        "\x00",
        "\x0b",
        "\x1c",
        "\x85",
        "\u2028",
        "\t",
        "‘A’: ",
        ":::::",
        "…",
        "* ",
        "1. ",
        "Related: ",
        "مرحبا بالعالم",
        "日本語のテキストです。",
        "🙂",
    ]
)
RESIDUE = st.sampled_from(
    [
        "Advertisement",
        "Photo: AP",
        "Share this article",
        "Skip to main content",
        "Most read",
        "By Ana Costa",
        "5 min read",
        "Privacy Policy",
        "© 2025 Example Media",
    ]
)
LINE = st.one_of(st.sampled_from(REAL_LINES), st.text(max_size=120), ODD, RESIDUE)


@st.composite
def pages(draw: st.DrawFn) -> str:
    """Realistic lines, noise and odd characters, joined by mixed line breaks."""
    lines = draw(st.lists(LINE, min_size=1, max_size=40))
    seps = draw(st.lists(SEPARATORS, min_size=len(lines), max_size=len(lines)))
    return "".join(line + sep for line, sep in zip(lines, seps, strict=True))


@st.composite
def edited_pages(draw: st.DrawFn) -> str:
    """A real page with lines dropped, duplicated, swapped or cut."""
    lines = draw(st.sampled_from(PAGES)).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "cut", "swap", "insert", "residue"]))
        if op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "residue":
            lines.insert(i, draw(RESIDUE))
        else:
            lines.insert(i, draw(LINE))
    return "\n".join(lines)


def check_invariants(text: str, result: Result) -> None:
    lines = {line.number: line.text for line in split_lines(normalize_text(text))}
    want = [n for n, t in lines.items() if t]
    seen: list[int] = []
    if result.title:
        seen.append(result.title.line)
        assert result.title.line_text == lines[result.title.line]
        assert result.title.text in lines[result.title.line]
    for p in result.body:
        # A piece over several lines (a sentence split at its links) joins them with "\n".
        span = [n for n in range(p.line, (p.end_line or p.line) + 1) if lines[n]]
        seen.extend(span)
        assert p.text == "\n".join(lines[n] for n in span)
    for r in result.removed:
        seen.append(r.line)
        assert r.text == lines[r.line]
    for t in result.teasers:
        span = [n for n in range(t.line, (t.end_line or t.line) + 1) if lines[n]]
        seen.extend(span)
        assert t.line in span and (t.end_line or t.line) in span
        source = "\n".join(lines[n] for n in span)
        for part in t.text.split("\n"):
            assert part in source, (part, source)
        if t.kicker:
            assert t.kicker in source
    assert sorted(seen) == want, "every non-blank line exactly once"
    assert len(seen) == len(set(seen))
    body = [p.line for p in result.body]
    assert body == sorted(body)


EXPLAIN = Options(explain=True)


def run_checked(text: str | bytes) -> None:
    try:
        result = segment(text, EXPLAIN)
    except InputError:
        decoded = text if isinstance(text, str) else None
        if decoded is not None:
            assert not any(line.text for line in split_lines(normalize_text(decoded)))
        return
    if isinstance(text, str):
        check_invariants(text, result)
    again = segment(text, EXPLAIN)
    assert json.dumps(result.to_dict()) == json.dumps(again.to_dict())
    # Explaining changes nothing but the "explain" field.
    plain = segment(text).to_dict()
    assert plain == {k: v for k, v in result.to_dict().items() if k != "explain"}


@given(pages())
def test_invariants_on_generated_pages(text: str) -> None:
    run_checked(text)


@given(edited_pages())
def test_invariants_on_edited_real_pages(text: str) -> None:
    run_checked(text)


@given(pages())
def test_lines_are_split_and_counted_as_documented(text: str) -> None:
    # The documented rule, one line at a time: split on \r\n, \r, \n; fold runs of
    # spaces; strip. split_lines folds the whole text at once and must agree.
    raw = re.split(r"\r\n|\r|\n", text)
    spaces = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
    want = [(n, spaces.sub(" ", t).strip()) for n, t in enumerate(raw, 1)]
    assert [(line.number, line.text) for line in split_lines(text)] == want
    assert count_lines(text) == len(want)


@given(st.binary(max_size=2000))
def test_any_bytes_give_a_result_or_an_input_error(data: bytes) -> None:
    run_checked(data)


@given(st.sampled_from(PAGES), st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1", "cp1252"]))
def test_encoded_pages(text: str, encoding: str) -> None:
    run_checked(text.encode(encoding, errors="replace"))


def test_same_json_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    script = (
        "import json, sys, segmenter\n"
        "for path in sys.argv[1:]:\n"
        "    opts = segmenter.Options(explain=True)\n"
        "    r = segmenter.segment(open(path, encoding='utf-8').read(), opts)\n"
        "    print(json.dumps(r.to_dict(), ensure_ascii=False))\n"
    )
    paths = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    paths += [str(p) for p in sorted((FIXTURES / "pages").glob("*.txt"))]
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [sys.executable, "-c", script, *paths], env=env, capture_output=True, check=True
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1
