"""Integrated loudness of an episode's audio, ITU-R BS.1770-4 style.

The signal goes through the K-weighting filter (a high shelf then a high pass,
two biquads), mean square is taken over 400 ms blocks with 75 % overlap, and the
blocks are gated at -70 LUFS and then 10 LU below the ungated mean. Pure Python
on purpose: it is the per-sample loop that Episodic runs for every episode.
Size unit: samples (48 kHz, mono, 16-bit).
"""

import math
from typing import Any

from interp_exec.core.workloads.pcm import SAMPLE_RATE, decode_pcm16, make_speech_like_pcm
from interp_exec.core.workloads.registry import cpu_workload

# BS.1770 K-weighting coefficients for 48 kHz: (b0, b1, b2, a1, a2).
_SHELF = (1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241,
          0.73248077421585)  # fmt: skip
_HIGH_PASS = (1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621)
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0


def _biquad(samples: list[float], coefficients: tuple[float, ...]) -> list[float]:
    b0, b1, b2, a1, a2 = coefficients
    x1 = x2 = y1 = y2 = 0.0
    out: list[float] = []
    append = out.append
    for x in samples:
        y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        x2, x1, y2, y1 = x1, x, y1, y
        append(y)
    return out


def _lufs(mean_square: float) -> float:
    return -0.691 + 10 * math.log10(mean_square) if mean_square > 0 else -math.inf


# min_task_size: 20x the worst per-job pool overhead measured (docs/rollout.md).
@cpu_workload("audio.loudness", sample=make_speech_like_pcm, min_task_size=30_000)
def integrated_loudness(payload: dict[str, Any]) -> dict[str, Any]:
    """Integrated loudness (LUFS), sample peak and RMS of 48 kHz mono PCM."""
    if payload.get("sample_rate", SAMPLE_RATE) != SAMPLE_RATE:
        raise ValueError(f"sample_rate must be {SAMPLE_RATE}: the filter is designed for it")
    pcm = decode_pcm16(payload)
    samples = [s / 32768.0 for s in pcm]
    if not samples:
        return {"samples": 0, "integrated_lufs": None}
    weighted = _biquad(_biquad(samples, _SHELF), _HIGH_PASS)
    squares = [y * y for y in weighted]

    block, step = SAMPLE_RATE * 4 // 10, SAMPLE_RATE // 10
    blocks = [
        sum(squares[start : start + block]) / block
        for start in range(0, max(len(squares) - block, 0) + 1, step)
    ]
    loud = [ms for ms in blocks if _lufs(ms) > _ABSOLUTE_GATE_LUFS]
    integrated: float | None = None
    if loud:
        relative_gate = _lufs(sum(loud) / len(loud)) + _RELATIVE_GATE_LU
        gated = [ms for ms in loud if _lufs(ms) > relative_gate]
        integrated = round(_lufs(sum(gated) / len(gated)), 4)
    peak = max(abs(s) for s in samples)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    return {
        "samples": len(samples),
        "seconds": round(len(samples) / SAMPLE_RATE, 3),
        "integrated_lufs": integrated,
        "gated_blocks": len(loud),
        "sample_peak_dbfs": round(20 * math.log10(peak), 4) if peak else None,
        "rms_dbfs": round(20 * math.log10(rms), 4) if rms else None,
    }
