"""audio.spectrum at any rate and channel count: bands end at the payload's
Nyquist frequency, frequencies are the payload's, channels are mixed down."""

import pytest

from episodic_site.workloads.spectrum import band_edges, band_energies
from tests.audio.audio_payloads import payload, sine


@pytest.mark.parametrize(
    ("rate", "edges"),
    [
        (8_000, [0, 125, 250, 500, 1_000, 2_000, 4_000]),
        (22_050, [0, 125, 250, 500, 1_000, 2_000, 4_000, 8_000, 11_025]),
        (48_000, [0, 125, 250, 500, 1_000, 2_000, 4_000, 8_000, 24_000]),
        (192_000, [0, 125, 250, 500, 1_000, 2_000, 4_000, 8_000, 96_000]),
    ],
)
def test_bands_end_at_the_nyquist_frequency(rate: int, edges: list[int]) -> None:
    assert band_edges(rate) == edges


def share_by_band(result: dict[str, object]) -> dict[int, float]:
    bands = result["bands"]
    assert isinstance(bands, list)
    return {band["low_hz"]: band["share"] for band in bands}


@pytest.mark.parametrize("rate", [8_000, 44_100, 96_000])
def test_a_tone_lands_in_its_band_at_every_rate(rate: int) -> None:
    result = band_energies(payload([sine(rate, rate, 1_500, 0.5)], rate))
    assert result["samples"] == rate
    assert share_by_band(result)[1_000] > 0.99


def test_channels_are_mixed_down_to_mono() -> None:
    rate = 44_100
    low, high = sine(rate, rate, 300, 0.4), sine(rate, rate, 3_000, 0.4)
    result = band_energies(payload([low, high, [0] * rate], rate))
    assert result["samples"] == rate  # samples per channel
    shares = share_by_band(result)
    assert shares[250] == pytest.approx(0.5, abs=0.01)
    assert shares[2_000] == pytest.approx(0.5, abs=0.01)
