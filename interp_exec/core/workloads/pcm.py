"""PCM helpers shared by the audio workloads: payloads carry interleaved 16-bit
PCM as base64 (``pcm16_b64``), with ``sample_rate`` and ``channels``; that is what
the WAV decoder (wav.py) hands over and is 3x smaller than a JSON list of numbers."""

import array
import base64
import math
import random
import sys
from typing import Any

SAMPLE_RATE = 48_000  # the generated sample's rate, and a payload's when it names none
MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 192_000
MAX_CHANNELS = 8


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
