"""PCM helpers shared by the audio workloads: payloads carry interleaved 16-bit
PCM as base64 (``pcm16_b64``), with ``sample_rate`` and ``channels``; that is what
the WAV decoder (wav.py) hands over and is 3x smaller than a JSON list of numbers."""

import array
import base64
import math
import random
import sys
from dataclasses import dataclass
from typing import Any

from interp_exec.core.domain.errors import shown

SAMPLE_RATE = 48_000  # the generated sample's rate, and a payload's when it names none
MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 192_000
MAX_CHANNELS = 8


@dataclass(frozen=True)
class Audio:
    """A payload's audio, checked: ``samples`` interleaves ``channels`` channels."""

    sample_rate: int
    channels: int
    samples: array.array[int]

    @property
    def frames(self) -> int:
        """Samples per channel."""
        return len(self.samples) // self.channels

    def channel(self, index: int) -> array.array[int]:
        return self.samples[index :: self.channels]


def read_audio(payload: dict[str, Any]) -> Audio:
    """The payload's audio; ``sample_rate`` defaults to 48,000 and ``channels`` to 1,
    the only layout payloads had before they named them."""
    sample_rate = _whole_number(
        payload, "sample_rate", SAMPLE_RATE, MIN_SAMPLE_RATE, MAX_SAMPLE_RATE
    )
    channels = _whole_number(payload, "channels", 1, 1, MAX_CHANNELS)
    samples = decode_pcm16(payload)
    if len(samples) % channels:
        raise ValueError(
            f"pcm16_b64 holds {len(samples)} samples, not a whole number of "
            f"{channels}-channel frames"
        )
    return Audio(sample_rate, channels, samples)


def _whole_number(payload: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = payload.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(
            f"{key} must be a whole number from {low:,} to {high:,}, not {shown(value)}"
        )
    return value


def decode_pcm16(payload: dict[str, Any]) -> array.array[int]:
    raw = base64.b64decode(payload["pcm16_b64"], validate=True)
    if len(raw) % 2:
        raise ValueError("pcm16_b64 must decode to an even number of bytes")
    samples = array.array("h")
    samples.frombytes(raw)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def make_speech_like_pcm(size: int, seed: int) -> dict[str, Any]:
    """``size`` samples at 48 kHz: a voice-like tone with bursts, pauses and noise."""
    rng = random.Random(seed)
    samples = array.array("h", bytes(2 * size))
    phase = 0.0
    frequency = rng.uniform(110, 220)
    level = 0.3
    for i in range(size):
        if i % 4_800 == 0:  # a new syllable every 100 ms
            frequency = rng.uniform(110, 220)
            level = rng.choice((0.0, 0.1, 0.3, 0.5))
        phase += 2 * math.pi * frequency / SAMPLE_RATE
        value = level * (math.sin(phase) + 0.3 * math.sin(3 * phase)) + rng.gauss(0, 0.01)
        samples[i] = max(-32768, min(32767, int(value * 32767)))
    if sys.byteorder == "big":
        samples.byteswap()
    return {
        "sample_rate": SAMPLE_RATE,
        "pcm16_b64": base64.b64encode(samples.tobytes()).decode("ascii"),
    }
