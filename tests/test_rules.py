"""Every cleaner rule fires on its examples with the right reason, and on none of the story
lines that only look like residue."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES
from segmenter.clean import clean, match, weak_reason
from segmenter.normalize import split_lines
from segmenter.ruleset import key_of, line_rules, load_all
from segmenter.types import Reason

CASES = json.loads((FIXTURES / "rules.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("text", "reason"), CASES["removed"])
def test_residue_is_removed_with_its_reason(text: str, reason: str) -> None:
    hit = match(text)
    assert hit is not None, f"no rule removed {text!r}"
    assert hit[0] == Reason(reason)


@pytest.mark.parametrize("text", CASES["kept"])
def test_story_lines_that_look_like_residue_stay(text: str) -> None:
    assert match(text) is None


@pytest.mark.parametrize(("text", "reason"), CASES["weak"])
def test_weak_rules_name_bylines_and_datelines(text: str, reason: str) -> None:
    assert match(text) is None, "weak residue must not be removed wherever it stands"
    hit = weak_reason(text)
    assert hit is not None and hit[0] == Reason(reason)


def test_rules_load_and_every_rule_has_a_known_reason() -> None:
    load_all()
    names = [r.name for r in line_rules()]
    assert len(names) == len(set(names)), "rule names must be unique"
    assert all(isinstance(r.reason, Reason) for r in line_rules())


def test_clean_reports_rule_name_and_keeps_order() -> None:
    lines = split_lines("Skip to main content\n\nA story line that stays.\nAdvertisement\n")
    cleaned = clean(lines)
    assert [line.number for line in cleaned.kept] == [3]
    assert [(r.line, r.reason, r.rule) for r in cleaned.removed] == [
        (1, Reason.NAVIGATION, "skip-link"),
        (4, Reason.ADVERT, "ad-slot"),
    ]


def _one_by_one(text: str, strong: bool) -> tuple[Reason, str] | None:
    from segmenter.ruleset import key_of

    key = key_of(text)
    for rule in line_rules():
        if rule.strong == strong and rule.matches(text, key):
            return rule.reason, rule.name
    return None


LINES = [x[0] for x in CASES["removed"]] + CASES["kept"] + [x[0] for x in CASES["weak"]]


@given(st.one_of(st.sampled_from(LINES), st.text(max_size=80)), st.booleans())
def test_combined_matcher_equals_rules_tried_in_order(text: str, strong: bool) -> None:
    assert match(text, strong) == _one_by_one(text, strong)


_KEY_CHARS = st.sampled_from(list("aB1 ‘’‛“”„«»:.!|›»*•·▪►>-_\t\u00a0\u2028\x1c\x85\u3000İß"))


@given(st.one_of(st.text(max_size=60), st.lists(_KEY_CHARS, max_size=30).map("".join)))
def test_key_is_the_documented_form(text: str) -> None:
    # The definition, written as plainly as possible; key_of computes it faster.
    quotes = str.maketrans(dict.fromkeys("‘’‛", "'") | dict.fromkeys("“”„«»", '"'))
    key = re.sub(r"^(?:[*+•·▪►>|-]\s*)+", "", text.lower().translate(quotes))
    assert key_of(text) == re.sub(r"[\s:.!|›»]+$", "", key)


def test_a_line_of_markup_alone_is_removed_whatever_its_length() -> None:
    pixel = '<img style="display:none" height="1" width="1" alt="" src="//x.test/p.gif" /> ' * 8
    lines = split_lines(
        f"{pixel}\n<b>Bold</b> words of a story stay.\n<span ><img src='a'/></span>"
    )
    cleaned = clean(lines)
    assert [(r.line, r.reason, r.rule) for r in cleaned.removed] == [
        (1, Reason.OTHER, "markup"),
        (3, Reason.OTHER, "markup"),
    ]
    assert [line.number for line in cleaned.kept] == [2]
