"""Band energies of an episode's audio, computed with numpy.

Shipped to prove the capability gate: numpy's extension modules refuse to load in
a subinterpreter, so the probe must turn this workload away from the interpreter
pool and the dispatcher must run it in processes instead. The channels are mixed
down to mono (their mean) and the octave bands end at the payload's Nyquist
frequency. Size unit: samples per channel.
"""

from itertools import pairwise
from typing import Any

import numpy as np

from episodic_site.workloads.pcm import make_speech_like_pcm, read_audio
from interp_exec.core.workloads.registry import cpu_workload

_OCTAVE_EDGES_HZ = (0, 125, 250, 500, 1_000, 2_000, 4_000, 8_000)


def band_edges(sample_rate: int) -> list[int]:
    """Octave band edges below the Nyquist frequency, then the Nyquist frequency."""
    nyquist = sample_rate // 2
    return [edge for edge in _OCTAVE_EDGES_HZ if edge < nyquist] + [nyquist]


@cpu_workload("audio.spectrum", sample=make_speech_like_pcm, min_task_size=30_000)
def band_energies(payload: dict[str, Any]) -> dict[str, Any]:
    """Share of spectral energy per octave band (numpy FFT) of the mono mix."""
    audio = read_audio(payload)
    interleaved = np.frombuffer(audio.samples.tobytes(), dtype="=i2").astype(np.float64)
    signal = interleaved.reshape(-1, audio.channels).mean(axis=1)
    if signal.size == 0:
        return {"samples": 0, "bands": []}
    power = np.abs(np.fft.rfft(signal / 32768.0)) ** 2
    frequencies = np.fft.rfftfreq(signal.size, d=1 / audio.sample_rate)
    total = float(power.sum()) or 1.0
    bands = []
    for low, high in pairwise(band_edges(audio.sample_rate)):
        share = float(power[(frequencies >= low) & (frequencies < high)].sum()) / total
        bands.append({"low_hz": low, "high_hz": high, "share": round(share, 6)})
    return {"samples": int(signal.size), "bands": bands}
