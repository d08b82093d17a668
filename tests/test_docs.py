"""The README stays true to the code: every reason, setting and command is documented, and CI
runs the README's test command exactly as written."""

from __future__ import annotations

import re
from dataclasses import fields

from conftest import ROOT
from segmenter.cli import build_parser
from segmenter.config import PREFIX, Settings
from segmenter.types import Reason

README = (ROOT / "README.md").read_text(encoding="utf-8")
# The service's settings are documented with the service, which the README links to.
SERVICE = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    """The commands of the README's opening code block, comments stripped."""
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block, "the README must open with a sh code block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_serve_and_test_commands() -> None:
    serve, test = readme_commands()
    assert "segmenter serve" in serve
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_exactly() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_every_reason_is_documented() -> None:
    for reason in Reason:
        assert f"| `{reason.value}` |" in README, reason


def test_every_setting_is_documented() -> None:
    for f in fields(Settings):
        assert f"`{PREFIX}{f.name.upper()}`" in README + SERVICE, f.name


def test_every_cli_command_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"segmenter {name}" in README, name


def test_readme_example_is_the_real_output_for_seed_002() -> None:
    import json

    block = re.search(r"```json\n(.*?)\n```", README, re.S)
    assert block
    shown = json.loads(block.group(1))
    golden = json.loads(
        (ROOT / "tests/fixtures/golden/002_0b1dbd43aa0014da.json").read_text(encoding="utf-8")
    )
    assert shown["body"][:2] == golden["body"][:2] and shown["body"][-1] == golden["body"][-1]
    assert {k: v for k, v in shown.items() if k != "body"} == {
        k: v for k, v in golden.items() if k != "body"
    }
