"""Bytes without a declared charset: short Western text is read as Western, and what
detection already reads right stays so."""

from __future__ import annotations

import pytest

from segmenter.normalize import decode


@pytest.mark.parametrize(
    "text",
    ["très", "C'est très bien.", "año niño", "Tschüß", "Grüße aus Köln", "Ça coûte 5 € à Zürich"],
)
@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_short_western_text_is_read_as_western(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip(f"{encoding} has no €")
    assert len(data) < 64
    assert decode(data) == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Zażółć gęślą jaźń", "cp1250"),  # 1252 would put '¿' and '³' inside words
        ("Příliš žluťoučký kůň", "cp1250"),
        ("Это очень хорошо, спасибо.", "cp1251"),  # 1252 would make every letter accented
        ("Καλημέρα κόσμε", "cp1253"),
    ],
)
def test_short_text_of_other_single_byte_encodings_is_left_to_detection(
    text: str, encoding: str
) -> None:
    assert decode(text.encode(encoding)) == text


def test_long_text_is_left_to_detection() -> None:
    czech = (
        "Městská rada v úterý schválila stavbu protipovodňové bariéry u ústí řeky, čímž "
        "skončilo deset let sporů o její cenu a vliv na rybářskou flotilu. "
    ) * 4
    data = czech.encode("cp1250")
    assert len(data) >= 500
    assert decode(data) == czech


def test_utf8_and_a_declared_charset_come_first() -> None:
    assert decode("très".encode()) == "très"
    assert decode("trčs".encode("cp1250"), charset="cp1250") == "trčs"
