"""Properties of the decoder over generated headers and bytes: every valid layout
round-trips to the 16-bit value each sample stands for (worked out here one sample
at a time, independently of the decoder's slicing), files written by the standard
library's ``wave`` decode too, and no byte string raises anything but InvalidInput."""

import base64
import io
import struct
import wave

from hypothesis import given, settings
from hypothesis import strategies as st

from episodic_site.workloads.pcm import decode_pcm16
from episodic_site.workloads.wav import read_wav
from interp_exec.core.domain import InvalidInput
from tests.audio.wav_builder import FLOAT, PCM, Header, chunk, wav_file

LAYOUTS = [(PCM, 8), (PCM, 16), (PCM, 24), (PCM, 32), (FLOAT, 32), (FLOAT, 64)]


def expected_int16(encoding: int, bits: int, data: bytes) -> list[int]:
    width = bits // 8
    samples = [data[i : i + width] for i in range(0, len(data), width)]
    if encoding == FLOAT:
        values = struct.unpack(f"<{len(samples)}{'f' if bits == 32 else 'd'}", data)
        return [
            32767 if v * 32768 >= 32767 else -32768 if v * 32768 <= -32768 else round(v * 32768)
            for v in values
        ]
    if width == 1:
        return [(s[0] - 128) * 256 for s in samples]
    return [int.from_bytes(s, "little", signed=True) >> (bits - 16) for s in samples]


@st.composite
def valid_wav(draw: st.DrawFn) -> tuple[bytes, Header, list[int]]:
    encoding, bits = draw(st.sampled_from(LAYOUTS))
    header = Header(
        encoding=encoding,
        channels=draw(st.integers(1, 8)),
        sample_rate=draw(st.integers(8_000, 192_000)),
        bits=bits,
        extensible=draw(st.booleans()),
    )
    count = header.channels * draw(st.integers(1, 40))
    if encoding == FLOAT:
        floats = draw(
            st.lists(
                st.floats(width=32 if bits == 32 else 64, allow_nan=False),
                min_size=count,
                max_size=count,
            )
        )
        data = struct.pack(f"<{count}{'f' if bits == 32 else 'd'}", *floats)
    else:
        data = draw(st.binary(min_size=count * bits // 8, max_size=count * bits // 8))
    extra_id = draw(st.sampled_from([b"LIST", b"fact", b"JUNK", b"bext"]))
    extra = chunk(extra_id, draw(st.binary(max_size=9))) if draw(st.booleans()) else b""
    return wav_file(data, header, extra=extra), header, expected_int16(encoding, bits, data)


@settings(max_examples=300, deadline=None)
@given(valid_wav())
def test_every_valid_layout_round_trips(case: tuple[bytes, Header, list[int]]) -> None:
    raw, header, expected = case
    payload = read_wav(io.BytesIO(raw))
    assert (payload["sample_rate"], payload["channels"]) == (header.sample_rate, header.channels)
    assert decode_pcm16(payload).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(
    width=st.sampled_from([1, 2, 3, 4]),
    channels=st.integers(1, 8),
    rate=st.integers(8_000, 192_000),
    frames=st.binary(min_size=1, max_size=200),
)
def test_files_the_wave_module_writes_decode(
    width: int, channels: int, rate: int, frames: bytes
) -> None:
    frame = width * channels
    frames = (frames * frame)[: max(frame, len(frames) // frame * frame)]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(frames)
    payload = read_wav(io.BytesIO(buffer.getvalue()))
    assert (payload["sample_rate"], payload["channels"]) == (rate, channels)
    assert decode_pcm16(payload).tolist() == expected_int16(PCM, width * 8, frames)


def decodes_or_refuses(raw: bytes) -> None:
    """Refused with InvalidInput (any other exception fails the test), or decoded
    to whole frames of at least one sample."""
    try:
        payload = read_wav(io.BytesIO(raw))
    except InvalidInput:
        return
    pcm = base64.b64decode(payload["pcm16_b64"])
    assert pcm
    assert len(pcm) % (2 * payload["channels"]) == 0


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_nothing_but_invalid_input(raw: bytes) -> None:
    decodes_or_refuses(raw)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_after_a_riff_header_raise_nothing_but_invalid_input(tail: bytes) -> None:
    decodes_or_refuses(b"RIFF" + struct.pack("<I", len(tail) + 4) + b"WAVE" + tail)


@settings(max_examples=300, deadline=None)
@given(valid_wav(), st.data())
def test_damaged_valid_files_raise_nothing_but_invalid_input(
    case: tuple[bytes, Header, list[int]], data: st.DataObject
) -> None:
    raw = bytearray(case[0])
    cut = data.draw(st.integers(0, len(raw)))
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] = data.draw(st.integers(0, 255))
    decodes_or_refuses(bytes(raw[:cut]))
    decodes_or_refuses(bytes(raw))
