"""Settings from SEGMENTER_* variables, the server options built from them, the access log."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from segmenter import accesslog
from segmenter.config import Settings, available_cpus
from segmenter.server import granian_options


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


def test_workers_follow_the_cgroup_cpu_quota(tmp_path: Path) -> None:
    (tmp_path / "cpu.max").write_text("150000 100000\n")  # 1.5 CPUs: cgroup v2
    assert available_cpus(tmp_path) == min(2, len(os.sched_getaffinity(0)))
    (tmp_path / "cpu.max").write_text("max 100000\n")  # no quota: the affinity mask
    assert available_cpus(tmp_path) == len(os.sched_getaffinity(0))
    (tmp_path / "cpu.max").unlink()
    v1 = tmp_path / "cpu"
    v1.mkdir()
    (v1 / "cpu.cfs_quota_us").write_text("100000\n")  # cgroup v1: one CPU
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    assert available_cpus(tmp_path) == 1
    (v1 / "cpu.cfs_quota_us").write_text("-1\n")  # v1 without a quota
    assert available_cpus(tmp_path) == len(os.sched_getaffinity(0))
    assert Settings().workers >= 2


def test_settings_map_onto_granians_options() -> None:
    env = {"SEGMENTER_PORT": "9001", "SEGMENTER_CLIENT_TIMEOUT": "3", "SEGMENTER_KEEPALIVE": "0"}
    env |= {"SEGMENTER_MAX_RSS": "0", "SEGMENTER_LIFETIME": "3600", "SEGMENTER_WORKERS": "3"}
    options = granian_options(Settings.from_env(env))
    assert options["port"] == 9001 and options["workers"] == 3
    assert options["http1_settings"].header_read_timeout == 3000
    assert options["http1_settings"].keep_alive is False
    assert options["workers_max_rss"] is None and options["workers_lifetime"] == 3600
    assert options["respawn_failed_workers"] is True and options["interface"] == "wsgi"
    # granian refuses a header timeout over 60 s: the setting is capped, not passed through.
    for value in ("600", "0"):  # 0, "no deadline", is granian's longest
        long = granian_options(Settings.from_env({"SEGMENTER_CLIENT_TIMEOUT": value}))
        assert long["http1_settings"].header_read_timeout == 60_000


def test_the_access_line_is_one_json_object_even_with_quotes_in_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    accesslog.configure(True)
    try:
        accesslog.write("127.0.0.1", "POST", '/a"b', 200, 12, 0.012345, 'id "1"')
    finally:
        accesslog.configure(False)
    (line,) = capsys.readouterr().out.splitlines()
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


def test_the_access_log_can_be_turned_off(capsys: pytest.CaptureFixture[str]) -> None:
    accesslog.configure(False)
    accesslog.write("127.0.0.1", "GET", "/healthz", 200, 15, 0.001, None)
    assert capsys.readouterr().out == ""
