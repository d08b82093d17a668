"""Settings from SEGMENTER_* variables, and the gunicorn configuration built from them."""

from __future__ import annotations

import importlib
import json
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

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


def _access_lines(fmt: str | None) -> list[str]:
    from gunicorn.config import Config

    from segmenter.accesslog import JsonAccessLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    if fmt is not None:
        cfg.set("access_log_format", fmt)
    logger = JsonAccessLogger(cfg)
    lines: list[str] = []
    logger.access_log.info = lambda msg, *args: lines.append(msg % args[0] if args else msg)
    resp = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", 'id "1"')], sent=12)
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "POST", "PATH_INFO": '/a"b'}
    environ |= {"RAW_URI": '/a"b', "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": ""}
    logger.access(resp, SimpleNamespace(headers=[]), environ, timedelta(microseconds=12_345))
    return lines


def test_the_access_line_is_one_json_object_even_with_quotes_in_it() -> None:
    (line,) = _access_lines(None)
    assert json.loads(line) == {
        "event": "access",
        "remote": "127.0.0.1",
        "method": "POST",
        "path": '/a"b',
        "status": 200,
        "bytes": 12,
        "ms": 12.35,
        "request_id": 'id "1"',
    }


def test_a_format_of_ones_own_is_honoured() -> None:
    # gunicorn's own formatting, which escapes the quote its way.
    assert _access_lines("%(s)s %(m)s %(U)s") == ['200 POST /a\\"b']
