"""Loudness of an episode's audio to ITU-R BS.1770-4 / EBU R128.

Data flow, per channel: 16-bit samples -> K-weighting (a high shelf then the RLB
high pass, two biquads whose coefficients are derived for the payload's rate by
the bilinear transform, as libebur128 and pyloudnorm do) -> energy per 100 ms
segment. The channels' segment energies are summed with the BS.1770 weights, and
the gated measures are built from those segments:

- integrated loudness: 400 ms blocks every 100 ms, gated at -70 LUFS and then
  10 LU below the mean of the blocks that passed (BS.1770-4);
- loudness range (LRA): 3 s short-term loudness every 100 ms, gated at -70 LUFS
  and 20 LU below their mean, the spread from the 10th to the 95th percentile
  (EBU Tech 3342, its percentile rule);
- true peak: 4x oversampling below 96 kHz (2x below 192 kHz, none at 192 kHz,
  so every rate reaches at least 192 kHz) through libebur128's 49-tap
  Hann-windowed sinc interpolator, in dBTP;
- sample peak and RMS of the samples as they are.

Channel weights follow ffmpeg's default layout for each channel count (what its
``ebur128`` filter applies to a WAV without a channel mask): front channels 1.0,
surround and back channels 1.41, LFE excluded. See ``CHANNEL_WEIGHTS``.

Pure Python on purpose: this is the per-sample loop Episodic runs for every
episode, and the project's main subinterpreter workload. The K-weighting runs
both biquads in one loop (transposed direct form II) with the 1/32768 scaling
folded into the coefficients, and the true-peak interpolator runs only where it
could beat the sample peak. Size unit: samples per channel.

Result keys: samples (per channel), seconds, sample_rate, channels,
integrated_lufs, gated_blocks, loudness_range_lu, true_peak_dbtp,
sample_peak_dbfs, rms_dbfs (a level is None for silence or too little audio).
"""

import math
from itertools import pairwise
from typing import Any

from episodic_site.workloads.pcm import Audio, make_speech_like_pcm, read_audio
from interp_exec.core.workloads.registry import cpu_workload

_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
_LRA_RELATIVE_GATE_LU = -20.0
_LRA_PERCENTILES = (0.10, 0.95)
_SEGMENTS_PER_BLOCK = 4  # 400 ms gating blocks, 75 % overlap
_SEGMENTS_PER_SHORT_TERM = 30  # 3 s short-term windows
_FULL_SCALE = 32768.0
_SURROUND = 1.41

# BS.1770 channel weights in ffmpeg's default layout for each channel count.
CHANNEL_WEIGHTS: dict[int, tuple[float, ...]] = {
    1: (1.0,),  # mono: C
    2: (1.0, 1.0),  # stereo: L R
    3: (1.0, 1.0, 0.0),  # 2.1: L R LFE
    4: (1.0, 1.0, 1.0, _SURROUND),  # 4.0: L R C, back centre
    5: (1.0, 1.0, 1.0, _SURROUND, _SURROUND),  # 5.0: L R C, back L R
    6: (1.0, 1.0, 1.0, 0.0, _SURROUND, _SURROUND),  # 5.1: L R C LFE, back L R
    7: (1.0, 1.0, 1.0, 0.0, _SURROUND, _SURROUND, _SURROUND),  # 6.1: ... BC, side L R
    8: (1.0, 1.0, 1.0, 0.0, _SURROUND, _SURROUND, _SURROUND, _SURROUND),  # 7.1
}

Biquad = tuple[float, float, float, float, float]  # b0, b1, b2, a1, a2 (a0 = 1)


def k_weighting(sample_rate: int) -> tuple[Biquad, Biquad]:
    """The pre-filter shelf and the RLB high pass of BS.1770 for ``sample_rate``,
    from the analog prototypes' parameters by the bilinear transform (libebur128's
    derivation; at 48 kHz it gives the standard's table to 1e-8)."""
    k = math.tan(math.pi * 1681.974450955533 / sample_rate)
    q = 0.7071752369554196
    high_gain = 10 ** (3.999843853973347 / 20)
    band_gain = high_gain**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (
        (high_gain + band_gain * k / q + k * k) / a0,
        2 * (k * k - high_gain) / a0,
        (high_gain - band_gain * k / q + k * k) / a0,
        2 * (k * k - 1) / a0,
        (1 - k / q + k * k) / a0,
    )
    k = math.tan(math.pi * 38.13547087602444 / sample_rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = (1.0, -2.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    return shelf, high_pass


def _segment_energies(
    samples: list[int], shelf: Biquad, high_pass: Biquad, bounds: list[int]
) -> list[float]:
    """Sum of squares of the K-weighted signal in each segment ``bounds`` delimit.

    Both biquads in one loop, transposed direct form II; the high pass's
    numerator (1, -2, 1) is written out, and 1/32768 is folded into the shelf's.
    """
    b0, b1, b2 = (b / _FULL_SCALE for b in shelf[:3])
    a1, a2 = shelf[3:]
    c1, c2 = high_pass[3:]
    s1 = s2 = t1 = t2 = 0.0
    energies: list[float] = []
    for start, end in pairwise(bounds):
        energy = 0.0
        for x in samples[start:end]:
            v = b0 * x + s1
            s1 = b1 * x - a1 * v + s2
            s2 = b2 * x - a2 * v
            y = v + t1
            t1 = t2 - c1 * y - v - v
            t2 = v - c2 * y
            energy += y * y
        energies.append(energy)
    return energies


def _lufs(mean_square: float) -> float:
    return -0.691 + 10 * math.log10(mean_square) if mean_square > 0 else -math.inf


def _window_powers(energies: list[float], bounds: list[int], width: int) -> list[float]:
    """Mean square of every window of ``width`` segments, one segment apart."""
    powers = []
    for first in range(len(energies) - width + 1):
        samples = bounds[first + width] - bounds[first]
        powers.append(math.fsum(energies[first : first + width]) / samples)
    return powers


def _gate(powers: list[float], relative_gate_lu: float) -> tuple[list[float], list[float]]:
    """The powers above the absolute gate, and of those the ones above the
    relative gate (``relative_gate_lu`` under their mean's loudness)."""
    loud = [p for p in powers if _lufs(p) > _ABSOLUTE_GATE_LUFS]
    if not loud:
        return [], []
    gate = _lufs(math.fsum(loud) / len(loud)) + relative_gate_lu
    return loud, [p for p in loud if _lufs(p) > gate]


def _loudness_range(short_term: list[float]) -> float | None:
    _, kept = _gate(short_term, _LRA_RELATIVE_GATE_LU)
    if not kept:
        return None
    levels = sorted(_lufs(p) for p in kept)
    low, high = (levels[round((len(levels) - 1) * share)] for share in _LRA_PERCENTILES)
    return high - low


def _interpolator(factor: int, taps: int = 49) -> list[list[float]]:
    """libebur128's true-peak interpolator split into its ``factor`` phases, less
    phase 0 (the input itself, delayed); each phase's taps are reversed, so that
    ``sumprod`` with samples in time order gives that phase's output."""
    middle = (taps - 1) / 2
    phases: list[list[float]] = [[] for _ in range(factor)]
    for j in range(taps):
        m = j - middle
        c = math.sin(m * math.pi / factor) / (m * math.pi / factor) if m else 1.0
        c *= 0.5 * (1 - math.cos(2 * math.pi * j / (taps - 1)))
        phases[j % factor].append(c)
    return [phase[::-1] for phase in phases[1:]]


def _true_peak(audio: Audio, sample_peak: int) -> float:
    """Highest absolute level of the oversampled signal, as a fraction of full scale.

    An interpolated value is a weighted sum of nearby samples, so it cannot
    exceed ``sum(|taps|)`` times the largest of them: only around samples within
    that factor of the sample peak can the signal rise above it, and only there is
    the interpolator run.
    """
    factor = 4 if audio.sample_rate < 96_000 else 2 if audio.sample_rate < 192_000 else 1
    if factor == 1 or not sample_peak:
        return sample_peak / _FULL_SCALE
    phases = _interpolator(factor)
    (reach,) = {len(phase) for phase in phases}  # taps per phase, 12 at 4x
    gain = max(math.fsum(map(abs, phase)) for phase in phases)
    threshold = sample_peak / gain
    peak = float(sample_peak)
    for index in range(audio.channels):
        samples = [0] * reach + audio.channel(index).tolist() + [0] * reach
        near_peak = [i for i, x in enumerate(samples) if abs(x) >= threshold]
        for first, last in _runs(near_peak, reach):
            for end in range(first + 1, last + reach + 1):
                window = samples[end - reach : end]
                for phase in phases:
                    value = abs(math.sumprod(phase, window))
                    if value > peak:
                        peak = value
    return peak / _FULL_SCALE


def _runs(indices: list[int], gap: int) -> list[tuple[int, int]]:
    """Sorted ``indices`` merged into (first, last) runs, joining any two that are
    within ``gap`` of each other."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and i - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _decibels(level: float) -> float | None:
    return round(20 * math.log10(level), 4) if level > 0 else None


# min_task_size: 20x the worst per-job pool overhead measured (docs/rollout.md).
@cpu_workload(
    "audio.loudness",
    sample=make_speech_like_pcm,
    bench_size=300_000,  # samples, 0.5 to 0.6 us each
    min_task_size=30_000,
)
def integrated_loudness(payload: dict[str, Any]) -> dict[str, Any]:
    """Integrated loudness (LUFS), loudness range (LU), true peak (dBTP), sample
    peak and RMS (dBFS) of 16-bit PCM at any rate, 1-8 channels."""
    audio = read_audio(payload)
    rate, frames = audio.sample_rate, audio.frames
    result: dict[str, Any] = {
        "samples": frames,
        "seconds": round(frames / rate, 3),
        "sample_rate": rate,
        "channels": audio.channels,
    }
    if not frames:
        return result | {"integrated_lufs": None}
    shelf, high_pass = k_weighting(rate)
    bounds = [k * rate // 10 for k in range(frames * 10 // rate + 1)]
    energies = [0.0] * (len(bounds) - 1)
    for index, weight in enumerate(CHANNEL_WEIGHTS[audio.channels]):
        if weight:
            channel = audio.channel(index).tolist()
            for segment, energy in enumerate(_segment_energies(channel, shelf, high_pass, bounds)):
                energies[segment] += weight * energy

    loud, gated = _gate(_window_powers(energies, bounds, _SEGMENTS_PER_BLOCK), _RELATIVE_GATE_LU)
    integrated = round(_lufs(math.fsum(gated) / len(gated)), 4) if gated else None
    loudness_range = _loudness_range(_window_powers(energies, bounds, _SEGMENTS_PER_SHORT_TERM))
    samples = audio.samples
    sample_peak = max(max(samples), -min(samples))
    mean_square = math.sumprod(samples, samples) / len(samples) / _FULL_SCALE**2
    return result | {
        "integrated_lufs": integrated,
        "gated_blocks": len(loud),
        "loudness_range_lu": None if loudness_range is None else round(loudness_range, 4),
        "true_peak_dbtp": _decibels(_true_peak(audio, sample_peak)),
        "sample_peak_dbfs": _decibels(sample_peak / _FULL_SCALE),
        "rms_dbfs": _decibels(math.sqrt(mean_square)),
    }
