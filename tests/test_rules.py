"""Every cleaner rule fires on its examples with the right reason, and on none of the story
lines that only look like residue."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

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


_KEY_CHARS = st.sampled_from(
    list("aB1 ‘’‛“”„«»:.!|›»*•·▪►>-_\t\u00a0\u2028\x1c\x85\u3000İß")
    + list("\u00ad\u200b\u200c\u200d\u2060\ufeff")
)


@given(st.one_of(st.text(max_size=60), st.lists(_KEY_CHARS, max_size=30).map("".join)))
def test_key_is_the_documented_form(text: str) -> None:
    # The definition, written as plainly as possible; key_of computes it faster.
    quotes = str.maketrans(dict.fromkeys("‘’‛", "'") | dict.fromkeys("“”„«»", '"'))
    invisible = str.maketrans(dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff"))
    plain = text.lower().translate(quotes).translate(invisible)
    key = re.sub(r"^(?:[*+•·▪►>|-]\s*)+", "", plain)
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


def test_invisible_characters_do_not_hide_a_word() -> None:
    assert key_of("Schlag\u00adwörter:") == "schlagwörter"
    assert key_of("\ufeffAdvertise\u200bment") == "advertisement"
    assert match("Schlag\u00adwörter") == (Reason.NAVIGATION, "tag-list")
    assert match("Adver\u00adtisement") == (Reason.ADVERT, "ad-slot")


def _vocabulary() -> dict[str, frozenset[str]]:
    """Every list the ablation draws from, by name, as loaded now."""
    from segmenter import ruleset

    found: dict[str, frozenset[str]] = {}
    for rule in line_rules():
        found[f"{rule.name} phrases"] = rule.phrases
        found[f"{rule.name} words"] = rule.words
        if rule.pattern is not None:
            found[f"{rule.name} pattern"] = frozenset([rule.pattern.pattern])
    b = ruleset.blocks()
    found["headers"] = b.headers
    found["labels"] = frozenset(b.labels)
    found["truncation_marks"] = frozenset(b.truncation_marks)
    found["comment_hints"] = frozenset(b.comment_hints)
    return found


@pytest.fixture
def ablation() -> Iterator[None]:
    from segmenter import ruleset

    try:
        yield
    finally:
        ruleset.configure()


def test_the_phrase_ablation_is_off_by_default() -> None:
    from segmenter import ruleset

    assert ruleset.config() == ruleset.Config(phrase_ablation=0.0, seed=0)
    assert ruleset.vocabulary(["a", "b", "c"], "any list") == ["a", "b", "c"]


@pytest.mark.usefixtures("ablation")
def test_the_phrase_ablation_drops_a_seeded_half_of_every_list() -> None:
    from segmenter import ruleset

    full = _vocabulary()
    ruleset.configure(phrase_ablation=0.5, seed=0)
    half = _vocabulary()
    literal = [k for k in full if not k.endswith("pattern")]
    kept = sum(len(half[k]) for k in literal)
    total = sum(len(full[k]) for k in literal)
    assert 0.45 * total <= kept <= 0.55 * total
    for name in literal:
        assert half[name] <= full[name], f"{name}: the ablation only removes"
        if len(full[name]) >= 20:
            assert 0.3 <= len(half[name]) / len(full[name]) <= 0.7, name
    # every per-rule list is drawn on its own, so each of them loses about half
    assert len(half["headers"]) < 0.6 * len(full["headers"])
    # deterministic: the same seed draws the same entries, another seed others
    ruleset.configure(phrase_ablation=0.5, seed=0)
    assert _vocabulary() == half
    ruleset.configure(phrase_ablation=0.5, seed=1)
    assert _vocabulary() != half
    # and off again is the full vocabulary, answers of the cleaner's memo included
    ruleset.configure(phrase_ablation=1.0)
    assert match("Advertisement") is None
    ruleset.configure()
    assert _vocabulary() == full
    assert match("Advertisement") == (Reason.ADVERT, "ad-slot")


def test_the_ablation_share_is_checked() -> None:
    from segmenter import ruleset

    with pytest.raises(ValueError, match="phrase_ablation"):
        ruleset.configure(phrase_ablation=1.5)
    assert ruleset.config().phrase_ablation == 0.0


@pytest.mark.usefixtures("ablation")
def test_an_ablation_that_leaves_nothing_still_loads() -> None:
    from segmenter import ruleset

    ruleset.configure(phrase_ablation=1.0, seed=3)
    load_all()
    assert match("Skip to main content") is None  # an English pattern: language vocabulary
    assert match("© 2024 Example Media Ltd.") == (Reason.FOOTER, "footer-legal")  # a shape


@pytest.mark.parametrize("text", CASES["weak_kept"])
def test_no_weak_rule_names_story_lines_of_other_languages(text: str) -> None:
    assert weak_reason(text) is None
