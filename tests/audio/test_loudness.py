"""audio.loudness on payloads built here: the K-weighting, the channel weights,
the gates, true peak, payload checks, and equal results in every executor mode."""

import math
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from episodic_site.workloads.loudness import CHANNEL_WEIGHTS, integrated_loudness, k_weighting
from episodic_site.workloads.pcm import make_speech_like_pcm
from interp_exec import CpuJob, ExecutorMode, JobStatus, get_cpu_port
from tests.audio.audio_payloads import faded, payload, sine, speech_like

# ITU-R BS.1770-4, tables 1 and 2: the 48 kHz coefficients (b0, b1, b2, a1, a2).
STANDARD_SHELF = (1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241,
                  0.73248077421585)  # fmt: skip
STANDARD_HIGH_PASS = (1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621)


def test_the_derived_filter_at_48_khz_is_the_standards_table() -> None:
    shelf, high_pass = k_weighting(48_000)
    assert shelf == pytest.approx(STANDARD_SHELF, abs=1e-8)
    assert high_pass == pytest.approx(STANDARD_HIGH_PASS, abs=1e-8)


def k_gain_db(rate: int, hz: float) -> float:
    """The K-weighting's gain at ``hz``, from its coefficients for ``rate``."""
    z = complex(math.cos(2 * math.pi * hz / rate), math.sin(2 * math.pi * hz / rate))
    total = 1.0
    for b0, b1, b2, a1, a2 in k_weighting(rate):
        total *= abs((b0 + b1 / z + b2 / z**2) / (1 + a1 / z + a2 / z**2))
    return 20 * math.log10(total)


@pytest.mark.parametrize(
    ("rate", "tolerance_db"),
    [(8_000, 0.25), (22_050, 0.1), (44_100, 0.01), (96_000, 0.05), (192_000, 0.05)],
)
def test_every_rate_gets_the_k_curve_of_48_khz(rate: int, tolerance_db: float) -> None:
    """Up to an eighth of the rate the curve matches 48 kHz's; the bilinear
    transform's warping (largest at 8 kHz, where the shelf's 1.7 kHz is near
    Nyquist) is all that differs."""
    for hz in (20, 50, 100, 500, 1_000, rate / 8):
        assert k_gain_db(rate, hz) == pytest.approx(k_gain_db(48_000, hz), abs=tolerance_db), hz
    assert k_gain_db(rate, 10) < -20  # the RLB high pass


def test_payloads_without_rate_or_channels_are_48_khz_mono() -> None:
    sample = make_speech_like_pcm(30_000, 3)
    assert "channels" not in sample
    bare = {"pcm16_b64": sample["pcm16_b64"]}
    explicit = sample | {"channels": 1, "sample_rate": 48_000}
    result = integrated_loudness(bare)
    assert result == integrated_loudness(explicit)
    assert (result["sample_rate"], result["channels"], result["samples"]) == (48_000, 1, 30_000)
    assert result["integrated_lufs"] is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sample_rate": 4_000}, "sample_rate must be a whole number from 8,000 to 192,000"),
        ({"sample_rate": 44_100.0}, "sample_rate must be a whole number"),
        ({"channels": 9}, "channels must be a whole number from 1 to 8, not 9"),
        ({"channels": True}, "channels must be a whole number"),
        ({"channels": 3}, "holds 10 samples, not a whole number of 3-channel frames"),
    ],
)
def test_a_bad_payload_is_refused_naming_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        integrated_loudness(make_speech_like_pcm(10, 1) | changes)


def test_silence_and_short_audio_have_no_levels() -> None:
    silent = integrated_loudness(payload([[0] * 48_000], 48_000))
    assert silent["integrated_lufs"] is None
    assert silent["true_peak_dbtp"] is silent["sample_peak_dbfs"] is silent["rms_dbfs"] is None
    short = integrated_loudness(payload([sine(44_100, 44_100, 440, 0.5)], 44_100))
    assert short["integrated_lufs"] is not None  # one second has gating blocks
    assert short["loudness_range_lu"] is None  # but no 3 s short-term window


def test_a_steady_tone_has_no_loudness_range_and_its_known_loudness() -> None:
    """A 1 kHz sine at -20 dBFS reads -23.0 LUFS: -20 - 3.01 (a sine's mean square
    is half its peak's) + 0.69 (the K-curve at 1 kHz) - 0.691 (BS.1770's offset)."""
    tone = sine(48_000 * 5, 48_000, 1_000, 10 ** (-20 / 20))
    result = integrated_loudness(payload([tone], 48_000))
    assert result["integrated_lufs"] == pytest.approx(-23.01, abs=0.01)
    assert result["loudness_range_lu"] == pytest.approx(0, abs=0.01)
    assert result["sample_peak_dbfs"] == pytest.approx(-20, abs=0.01)


def loudness_of(channels: list[list[int]]) -> float:
    value: float = integrated_loudness(payload(channels, 44_100))["integrated_lufs"]
    return value


@pytest.mark.parametrize("count", sorted(CHANNEL_WEIGHTS))
def test_each_channel_counts_with_its_bs1770_weight(count: int) -> None:
    voice = speech_like(44_100 * 2, 5)
    silence = [0] * len(voice)
    alone = loudness_of([voice])
    for index, weight in enumerate(CHANNEL_WEIGHTS[count]):
        channels = [voice if c == index else silence for c in range(count)]
        if weight == 0:  # the LFE: its content does not count at all
            assert integrated_loudness(payload(channels, 44_100))["integrated_lufs"] is None
        else:
            assert loudness_of(channels) == pytest.approx(alone + 10 * math.log10(weight), abs=1e-4)


def test_surrounds_weigh_1_41_and_the_lfe_nothing_in_5_1() -> None:
    assert CHANNEL_WEIGHTS[6] == (1.0, 1.0, 1.0, 0.0, 1.41, 1.41)
    assert CHANNEL_WEIGHTS[2] == (1.0, 1.0)


def test_true_peak_finds_the_peak_between_samples() -> None:
    """A quarter-rate sine sampled 45 degrees off its crests: every sample is at
    0.707 of the crest, so the true peak is 3.01 dB above the sample peak. Faded
    in and out, since an abrupt edge rings in any interpolator."""
    rate = 48_000
    tone = faded(sine(rate * 2, rate, rate / 4, 0.5, phase=math.pi / 4), rate // 10)
    result = integrated_loudness(payload([tone], rate))
    assert result["sample_peak_dbfs"] == pytest.approx(20 * math.log10(0.5 * 0.7071), abs=0.01)
    assert result["true_peak_dbtp"] == pytest.approx(20 * math.log10(0.5), abs=0.05)


def test_true_peak_equals_the_sample_peak_at_192_khz() -> None:
    tone = sine(192_000, 192_000, 1_000, 0.25)
    result = integrated_loudness(payload([tone, tone], 192_000))
    assert result["true_peak_dbtp"] == result["sample_peak_dbfs"]


@pytest.fixture
def any_mode_settings() -> Iterator[None]:
    """Route every job to the mode asked for (as tests/contract does): by these settings,
    not the flags, and with no dispatch log (no database here)."""
    with override_settings(
        INTERP_EXEC={"MIN_TASK_SIZE": 0, "MAX_WORKERS": 2, "MAX_PAYLOAD_BYTES": 5_000_000,
                     "TIMEOUT_S": 120, "POLICY_SOURCE": None, "EVENT_SINKS": []}
    ):  # fmt: skip
        yield


@pytest.mark.usefixtures("any_mode_settings")
@pytest.mark.parametrize("workload", ["audio.loudness", "audio.spectrum"])
def test_a_multichannel_44_1_khz_payload_gives_one_result_in_every_mode(workload: str) -> None:
    channels = [speech_like(44_100 * 4, seed) for seed in range(6)]
    channels[3] = [s // 4 for s in channels[3]]  # the LFE, quieter
    job = CpuJob(workload, payload(channels, 44_100), size=44_100 * 4)
    outcomes = {mode: get_cpu_port(mode).run(job) for mode in ExecutorMode}
    assert all(o.status is JobStatus.OK for o in outcomes.values()), outcomes
    inline = outcomes[ExecutorMode.INLINE].value
    assert inline["channels"] == 6 if workload == "audio.loudness" else inline["bands"]
    assert all(o.value == inline for o in outcomes.values())
    used = {o.mode_used for o in outcomes.values()}
    assert used == ({"inline", "interpreters", "processes"} if workload == "audio.loudness"
                    else {"inline", "processes"})  # fmt: skip


def brute_force_true_peak(samples: list[int], factor: int = 4, taps: int = 49) -> float:
    """Every oversampled value, the interpolator written out from libebur128's
    definition (a Hann-windowed sinc), to check the workload's pruned search."""
    middle = (taps - 1) / 2
    h = []
    for j in range(taps):
        m = (j - middle) * math.pi / factor
        h.append(
            (math.sin(m) / m if m else 1.0) * 0.5 * (1 - math.cos(2 * math.pi * j / (taps - 1)))
        )
    stuffed = [0.0] * (len(samples) * factor + taps)
    for i, x in enumerate(samples):
        stuffed[i * factor] = float(x)
    peak = 0.0
    for n in range(len(stuffed)):
        value = sum(h[j] * stuffed[n - j] for j in range(min(taps, n + 1)))
        peak = max(peak, abs(value))
    return peak / 32768


@settings(max_examples=80, deadline=None)
@given(
    spike=st.integers(-32768, 32767),
    burst=st.lists(st.integers(-32768, 32767), min_size=1, max_size=8),
    noise=st.lists(st.integers(-2000, 2000), min_size=0, max_size=40),
)
def test_the_pruned_true_peak_search_misses_no_peak(
    spike: int, burst: list[int], noise: list[int]
) -> None:
    """The workload only interpolates near samples loud enough to matter. A lone
    spike apart from a burst of slightly quieter samples (whose peak between
    samples may be the higher one) must give the same peak as interpolating
    everywhere."""
    signal = [spike, *noise, *[0] * 30, *burst, *[0] * 30, *noise]
    result = integrated_loudness(payload([signal], 44_100))
    expected = brute_force_true_peak(signal)
    if expected == 0:
        assert result["true_peak_dbtp"] is None
    else:
        assert result["true_peak_dbtp"] == pytest.approx(20 * math.log10(expected), abs=1e-3)
