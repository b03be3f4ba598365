"""Audio payloads built in Python, for the tests that need no reference tool."""

import array
import base64
import math
import sys
from collections.abc import Sequence
from typing import Any

from episodic_site.workloads.pcm import make_speech_like_pcm


def payload(channels: Sequence[Sequence[int]], sample_rate: int) -> dict[str, Any]:
    """Equal-length channels interleaved into an audio payload."""
    samples = array.array("h", [s for frame in zip(*channels, strict=True) for s in frame])
    if sys.byteorder == "big":
        samples.byteswap()
    return {
        "sample_rate": sample_rate,
        "channels": len(channels),
        "pcm16_b64": base64.b64encode(samples.tobytes()).decode("ascii"),
    }


def speech_like(frames: int, seed: int) -> list[int]:
    """The generated sample's voice-like signal (its rate aside), as a list."""
    raw = base64.b64decode(make_speech_like_pcm(frames, seed)["pcm16_b64"])
    samples = array.array("h", raw)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tolist()


def sine(frames: int, sample_rate: int, hz: float, level: float, phase: float = 0.0) -> list[int]:
    return [
        round(level * 32767 * math.sin(2 * math.pi * hz * i / sample_rate + phase))
        for i in range(frames)
    ]


def faded(samples: list[int], frames: int) -> list[int]:
    """``samples`` with a linear fade over ``frames`` at each end."""
    out = list(samples)
    for i in range(frames):
        out[i] = round(out[i] * i / frames)
        out[-1 - i] = round(out[-1 - i] * i / frames)
    return out
