"""Settings from SEGMENTER_* variables, and the gunicorn configuration built from them."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from segmenter.config import Settings


def test_settings_are_read_and_typed() -> None:
    s = Settings.from_env({"SEGMENTER_WORKERS": "3", "SEGMENTER_ACCESS_LOG": "off"})
    assert s.workers == 3 and s.access_log is False
    assert Settings.from_env({"SEGMENTER_ACCESS_LOG": "TRUE"}).access_log is True
    assert Settings.from_env({}).access_log is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SEGMENTER_WORKERS", "two", "must be an integer"),
        ("SEGMENTER_MAX_LINES", "-1", "must not be negative"),
        ("SEGMENTER_ACCESS_LOG", "maybe", "must be 1 or 0"),
    ],
)
def test_a_malformed_setting_is_named(name: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"{name} {message}"):
        Settings.from_env({name: value})


def test_the_access_log_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Set first: the configuration creates and exports a metrics directory when there is none.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    from segmenter import gunicorn_conf

    monkeypatch.setenv("SEGMENTER_ACCESS_LOG", "0")
    assert importlib.reload(gunicorn_conf).accesslog is None
    monkeypatch.setenv("SEGMENTER_ACCESS_LOG", "1")
    assert importlib.reload(gunicorn_conf).accesslog == "-"
