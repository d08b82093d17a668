"""Hostile inputs get a whole, correct result. No timing is asserted here (that is
`segmenter bench --adversarial`); the subprocess timeout only stops a hang."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from segmenter import InputError, Options, TooLargeError, segment, segment_html
from segmenter.bench import ADVERSARIAL
from segmenter.normalize import decode


@pytest.mark.parametrize("family", sorted(ADVERSARIAL))
def test_hostile_family_is_accounted_for(family: str) -> None:
    text = ADVERSARIAL[family](200_000)
    script = (
        "import json, sys\n"
        "from segmenter.bench import ADVERSARIAL\n"
        "from segmenter import Options, segment\n"
        # The line limit would refuse some families: lift it, the accounting is what is tested.
        f"r = segment(ADVERSARIAL[{family!r}](200_000), Options(max_lines=10**7)).to_dict()\n"
        "lines = [x['line'] for x in r['removed']]\n"
        "for p in r['body'] + r['teasers']:\n"
        "    lines += list(range(p['line'], p.get('end_line', p['line']) + 1))\n"
        "if r['title']:\n"
        "    lines.append(r['title']['line'])\n"
        "print(json.dumps(sorted(lines)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    numbered = [
        i for i, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1) if line.strip()
    ]
    assert json.loads(proc.stdout) == numbered


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe" + "UTF-16 text with a BOM, long enough.".encode("utf-16-le"),
        b"\xfe\xff" + "UTF-16 big endian text with a BOM.".encode("utf-16-be"),
        b"\x00\x00\xfe\xff" + "UTF-32 with a BOM, some words here.".encode("utf-32-be"),
        "UTF-16 without a BOM, a sentence of words.".encode("utf-16-le"),
        b"Caf\xe9 au lait, na\xefve r\xe9sum\xe9, and some more words in Latin-1 here.",
        b"mixed \xc3\xa9 and \xe9 encodings in one line of text, with words",
        b"NUL\x00bytes\x00inside\x00a\x00line of text with words",
        b"\x80\x81\x82\x83" * 50,
    ],
)
def test_hostile_bytes_give_a_result_or_a_clear_error(data: bytes) -> None:
    try:
        result = segment(data)
    except InputError as exc:
        assert str(exc)
        return
    assert result.to_dict()["stats"]["lines"] >= 1


def test_declared_charset_that_lies_falls_back() -> None:
    text = decode("Grüße aus Köln, sagte er.".encode("latin-1"), charset="utf-8")
    assert "K" in text and "ln" in text


def test_line_limit_counts_every_line_break_before_building_lines() -> None:
    options = Options(max_lines=4)
    assert segment("a story line\r\nb\rc\n", options).lines == 4  # at the limit: accepted
    with pytest.raises(TooLargeError, match="5 lines; the limit is 4"):
        segment("a\r\nb\rc\n\n", options)
    with pytest.raises(TooLargeError, match="lines"):
        segment("x" + "\n" * 2_000_000)  # a hostile page of blank lines is refused, not split


def test_line_limit_counts_the_text_not_the_markup() -> None:
    story = "<p>A story line of the page, long enough to be read as prose by anyone.</p>"
    markup = "<html><body>\n" + "<div></div>\n" * 30 + story + "\n</body></html>"
    result = segment_html(markup, Options(max_lines=4))
    assert [p.text for p in result.body] == [story[3:-4]]
