"""Real WAV files of every supported layout, written by sox and ffmpeg, decode to
the same 16-bit PCM as the 16-bit copy of the same audio (within 1 LSB: wider
samples are truncated, sox rounds)."""

import array
import struct
from pathlib import Path

import pytest

from episodic_site.workloads.pcm import decode_pcm16
from episodic_site.workloads.wav import read_wav
from tests.audio.reference_tools import run_tool, sox

PLAIN, FLOAT, EXTENSIBLE = 0x0001, 0x0003, 0xFFFE

# name -> (format tag the tool writes, how to make it from the 24-bit master)
VARIANTS = {
    "pcm24-plain": (PLAIN, ("sox", "-t", "wavpcm")),
    "pcm24-extensible": (EXTENSIBLE, ("sox",)),
    "pcm32-plain": (PLAIN, ("sox", "-b", "32", "-t", "wavpcm")),
    "pcm32-extensible": (EXTENSIBLE, ("sox", "-b", "32")),
    "float32-plain": (FLOAT, ("sox", "-e", "floating-point", "-b", "32")),
    "float64-plain": (FLOAT, ("sox", "-e", "floating-point", "-b", "64")),
    "float32-extensible": (EXTENSIBLE, ("ffmpeg", "pcm_f32le")),
    "float64-extensible": (EXTENSIBLE, ("ffmpeg", "pcm_f64le")),
    "pcm24-extensible-ffmpeg": (EXTENSIBLE, ("ffmpeg", "pcm_s24le")),
}


def format_tag(path: Path) -> int:
    head = path.read_bytes()[:200]
    at = head.index(b"fmt ")
    tag: int = struct.unpack("<H", head[at + 8 : at + 10])[0]
    return tag


def decoded(path: Path) -> tuple[dict[str, object], array.array[int]]:
    with path.open("rb") as stream:
        payload = read_wav(stream)
    return payload, decode_pcm16(payload)


def max_difference(a: array.array[int], b: array.array[int]) -> int:
    assert len(a) == len(b)
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def make_variant(master: Path, name: str) -> Path:
    target = master.with_name(f"{name}.wav")
    maker = VARIANTS[name][1]
    if maker[0] == "sox":
        sox(master, *maker[1:], target)
    else:
        run_tool("ffmpeg", "-loglevel", "error", "-y", "-i", master, "-c:a", maker[1], target)
    return target


@pytest.fixture(scope="module")
def reference_16(speech_master: Path) -> Path:
    """The master reduced to plain 16-bit by sox: rounded, no dither."""
    target = speech_master.with_name("reference-16.wav")
    sox("-D", speech_master, "-b", "16", "-t", "wavpcm", target)
    return target


def test_the_16_bit_reference_decodes_to_its_own_samples(reference_16: Path) -> None:
    payload, samples = decoded(reference_16)
    assert format_tag(reference_16) == PLAIN
    assert (payload["sample_rate"], payload["channels"]) == (44_100, 1)
    raw = reference_16.read_bytes()
    data = raw[raw.index(b"data") + 8 :]
    assert samples.tobytes() == data  # 16-bit passes through untouched
    assert max(map(abs, samples)) > 10_000  # real speech, not silence


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_depth_and_layout_decodes_to_the_16_bit_samples(
    speech_master: Path, reference_16: Path, name: str
) -> None:
    variant = make_variant(speech_master, name)
    assert format_tag(variant) == VARIANTS[name][0], "the tool wrote another layout"
    payload, samples = decoded(variant)
    assert (payload["sample_rate"], payload["channels"]) == (44_100, 1)
    assert max_difference(samples, decoded(reference_16)[1]) <= 1


def test_unsigned_8_bit_decodes_to_the_same_levels_in_16_bit(reference_16: Path) -> None:
    eight = reference_16.with_name("pcm8.wav")
    sox("-D", reference_16, "-b", "8", "-t", "wavpcm", eight)
    widened = reference_16.with_name("pcm8-widened-16.wav")
    sox(eight, "-b", "16", "-t", "wavpcm", widened)  # exact: 8 -> 16 bits loses nothing
    payload, samples = decoded(eight)
    assert payload["sample_rate"] == 44_100
    assert max_difference(samples, decoded(widened)[1]) <= 1
    # and the 8-bit copy is the speech: within an 8-bit step of the 16-bit file
    assert max_difference(samples, decoded(reference_16)[1]) <= 256


def test_stereo_is_interleaved_left_then_right(speech_master: Path, reference_16: Path) -> None:
    reversed_speech = speech_master.with_name("reversed-24.wav")
    sox(speech_master, reversed_speech, "reverse")
    stereo_24 = speech_master.with_name("stereo-24.wav")
    sox("-M", speech_master, reversed_speech, stereo_24)
    stereo_16 = speech_master.with_name("stereo-16.wav")
    sox("-D", stereo_24, "-b", "16", "-t", "wavpcm", stereo_16)

    payload, samples = decoded(stereo_24)
    assert payload["channels"] == 2
    assert max_difference(samples, decoded(stereo_16)[1]) <= 1
    mono = decoded(reference_16)[1]
    assert decoded(stereo_16)[1][0::2] == mono
    assert decoded(stereo_16)[1][1::2] == array.array("h", reversed(mono))


@pytest.mark.parametrize(("channels", "rate"), [(6, 8_000), (8, 192_000), (3, 96_000)])
def test_many_channels_and_the_rate_range(reference_16: Path, channels: int, rate: int) -> None:
    variant = reference_16.with_name(f"ch{channels}-{rate}.wav")
    sox(reference_16, "-c", str(channels), "-b", "24", variant, "rate", str(rate))
    payload, samples = decoded(variant)
    assert (payload["sample_rate"], payload["channels"]) == (rate, channels)
    assert len(samples) % channels == 0
    # sox copies the mono signal into every channel
    assert all(samples[c::channels] == samples[0::channels] for c in range(channels))


def test_a_file_ffmpeg_streamed_to_a_pipe_decodes_like_the_file(reference_16: Path) -> None:
    """Written to a pipe, ffmpeg cannot go back to fill in the sizes: it leaves
    0xFFFFFFFF, meaning "to the end of the file"."""
    piped = reference_16.with_name("piped.wav")
    run_tool(
        "ffmpeg", "-loglevel", "error", "-y", "-i", reference_16, "-f", "wav",
        "-c:a", "pcm_s24le", "pipe:1", stdout=piped,
    )  # fmt: skip
    assert b"data\xff\xff\xff\xff" in piped.read_bytes()[:200]
    assert decoded(piped)[1] == decoded(reference_16)[1]
