"""A missing reference tool skips the audio tests, except under CI, where it fails them."""

import pytest

from tests.audio.reference_tools import tool


def test_a_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"ensure-audio-tools\.sh installs it"):
        tool("no-such-audio-tool")


def test_a_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the audio tests"):
        tool("no-such-audio-tool")


def test_an_installed_tool_is_found() -> None:
    assert tool("sox").endswith("sox")
