"""Speech the audio tests decode and measure, generated once per session."""

from pathlib import Path

import pytest

from tests.audio.reference_tools import sox, speak

SCRIPT = (
    "Welcome back to the show. Today we talk about loudness, why podcasts sound so "
    "different from one another, and the standard that measures them."
)


@pytest.fixture(scope="session")
def speech_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Speech at 44.1 kHz in 24-bit, so that 16-bit copies are a real reduction."""
    folder = tmp_path_factory.mktemp("speech")
    spoken = speak(SCRIPT, folder / "spoken.wav")
    master = folder / "master-24.wav"
    sox(spoken, "-b", "24", master, "rate", "-v", "44100", "gain", "-n", "-3")
    return master
