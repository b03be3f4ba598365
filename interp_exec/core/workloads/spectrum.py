"""Band energies of an episode's audio, computed with numpy.

Shipped to prove the capability gate: numpy's extension modules refuse to load in
a subinterpreter, so the probe must turn this workload away from the interpreter
pool and the dispatcher must run it in processes instead. Size unit: samples.
"""

from itertools import pairwise
from typing import Any

import numpy as np

from interp_exec.core.workloads.pcm import SAMPLE_RATE, decode_pcm16, make_speech_like_pcm
from interp_exec.core.workloads.registry import cpu_workload

_BAND_EDGES_HZ = (0, 125, 250, 500, 1_000, 2_000, 4_000, 8_000, SAMPLE_RATE // 2)


@cpu_workload("audio.spectrum", sample=make_speech_like_pcm, min_task_size=30_000)
def band_energies(payload: dict[str, Any]) -> dict[str, Any]:
    """Share of spectral energy per octave band (numpy FFT)."""
    signal = np.frombuffer(decode_pcm16(payload).tobytes(), dtype="<i2").astype(np.float64)
    if signal.size == 0:
        return {"samples": 0, "bands": []}
    power = np.abs(np.fft.rfft(signal / 32768.0)) ** 2
    frequencies = np.fft.rfftfreq(signal.size, d=1 / SAMPLE_RATE)
    total = float(power.sum()) or 1.0
    bands = []
    for low, high in pairwise(_BAND_EDGES_HZ):
        share = float(power[(frequencies >= low) & (frequencies < high)].sum()) / total
        bands.append({"low_hz": low, "high_hz": high, "share": round(share, 6)})
    return {"samples": int(signal.size), "bands": bands}
