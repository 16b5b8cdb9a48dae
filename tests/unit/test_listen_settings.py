"""Where the broker listens: `--port`, else `ACCORD_PORT` (what a container sets), else 9292."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker.settings import Settings, SettingsError


def test_the_port_comes_from_accord_port_unless_the_flag_gives_one(tmp_path: Path) -> None:
    assert Settings.from_env({}, cwd=tmp_path).port == 9292
    assert Settings.from_env({"ACCORD_PORT": "8080"}, cwd=tmp_path).port == 8080
    assert Settings.from_env({"ACCORD_PORT": "8080"}, cwd=tmp_path, port=9393).port == 9393


@pytest.mark.parametrize("value", ["0", "65536", "http", "-1", "80.5"])
def test_a_port_outside_1_to_65535_is_refused_by_name(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match="ACCORD_PORT"):
        Settings.from_env({"ACCORD_PORT": value}, cwd=tmp_path)
