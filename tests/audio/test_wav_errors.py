"""Every bad file is refused with ``InvalidInput`` naming its problem, and real
files in encodings the decoder does not take name their encoding."""

import base64
import io
import struct
from pathlib import Path

import pytest

from episodic_site.workloads.wav import read_wav
from interp_exec.core.domain import InvalidInput
from tests.audio.reference_tools import sox
from tests.audio.wav_builder import FLOAT, Header, chunk, riff, wav_file

SOUND = struct.pack("<200h", *range(-100, 100))
GOOD = wav_file(SOUND)
FMT_AT = 12  # the fmt chunk's header starts right after RIFF <size> WAVE


def refusal(raw: bytes) -> str:
    with pytest.raises(InvalidInput) as raised:
        read_wav(io.BytesIO(raw))
    return str(raised.value)


def test_a_well_formed_file_decodes_past_other_chunks() -> None:
    raw = wav_file(SOUND, extra=chunk(b"LIST", b"odd") + chunk(b"fact", b"\0" * 4))
    payload = read_wav(io.BytesIO(raw))
    assert payload == {
        "sample_rate": 44_100,
        "channels": 1,
        "pcm16_b64": base64.b64encode(SOUND).decode("ascii"),
    }


def test_a_streamed_file_of_unknown_size_runs_to_the_end_in_whole_frames() -> None:
    streamed = riff(Header(channels=2).fmt_chunk(), chunk(b"data", SOUND, declared=0xFFFF_FFFF))
    payload = read_wav(io.BytesIO(streamed + b"\x01\x02"))  # half a frame more
    assert payload["channels"] == 2
    assert base64.b64decode(payload["pcm16_b64"]) == SOUND


BAD_FILES = {
    "empty": (b"", "The file is empty (0 bytes)"),
    "mp3 bytes": (b"ID3\x04" + bytes(60), "not a WAV file: it does not start with a RIFF/WAVE"),
    "avi": (b"RIFF\x04\0\0\0AVI " + bytes(20), "not a WAV file"),
    "three bytes": (b"RIF", "not a WAV file"),
    "big-endian": (b"RIFX" + GOOD[4:], "Big-endian (RIFX) WAV files are not supported"),
    "rf64": (b"RF64" + GOOD[4:], "RF64 (WAV over 4 GB) files are not supported"),
    "truncated data": (
        GOOD[:-100],
        "truncated: its data chunk declares 400 bytes but only 300 are present",
    ),
    "truncated fmt": (GOOD[: FMT_AT + 8 + 10], "its fmt chunk declares 16 bytes but only 10"),
    "no fmt or data": (riff(chunk(b"LIST", b"INFO")), "has no fmt and data chunks"),
    "no data": (riff(Header().fmt_chunk()), "has no data chunk"),
    "data before fmt": (
        riff(chunk(b"data", SOUND), Header().fmt_chunk()),
        "data chunk comes before its fmt chunk",
    ),
    "a-law": (wav_file(SOUND, Header(encoding=6, bits=8)), "A-law (format tag 0x0006)"),
    "mu-law": (wav_file(SOUND, Header(encoding=7, bits=8)), "mu-law (format tag 0x0007)"),
    "ms adpcm": (
        wav_file(SOUND, Header(encoding=2, bits=4, block_align=256)),
        "Microsoft ADPCM (format tag 0x0002)",
    ),
    "extensible a-law": (
        wav_file(SOUND, Header(encoding=6, bits=8, extensible=True)),
        "A-law (format tag 0x0006)",
    ),
    "unknown tag": (
        wav_file(SOUND, Header(encoding=0x1234)),
        "an unknown encoding (format tag 0x1234)",
    ),
    "unknown guid": (
        GOOD.replace(Header().fmt_chunk(), Header(extensible=True).fmt_chunk()[:-14] + b"x" * 14),
        "extensible sub-format is not a standard audio encoding",
    ),
    "12-bit": (wav_file(SOUND, Header(bits=12, block_align=2)), "12-bit PCM samples"),
    "16-bit float": (
        wav_file(SOUND, Header(encoding=FLOAT, bits=16)),
        "16-bit float samples; float must be 32, 64-bit",
    ),
    "no channels": (wav_file(SOUND, Header(channels=0)), "has 0 channels; 1 to 8"),
    "nine channels": (wav_file(bytes(18), Header(channels=9)), "has 9 channels; 1 to 8"),
    "rate too low": (
        wav_file(SOUND, Header(sample_rate=4_000)),
        "sample rate is 4,000 Hz; 8,000 to 192,000 Hz",
    ),
    "rate too high": (wav_file(SOUND, Header(sample_rate=384_000)), "sample rate is 384,000 Hz"),
    "odd block alignment": (
        wav_file(SOUND, Header(block_align=3)),
        "block alignment is 3 bytes, but 1 channel(s) of 16-bit samples take 2",
    ),
    "short fmt": (riff(chunk(b"fmt ", bytes(14)), chunk(b"data", SOUND)), "fmt chunk is 14 bytes"),
    "short extensible fmt": (
        riff(chunk(b"fmt ", Header(extensible=True).fmt_chunk()[8:26]), chunk(b"data", SOUND)),
        "extensible fmt chunk is 18 bytes; it needs 40",
    ),
    "empty data": (wav_file(b""), "data chunk is empty"),
    "partial frame": (
        wav_file(bytes(6), Header(channels=2)),
        "holds 6 bytes, not a whole number of 4-byte frames",
    ),
    "nan": (
        wav_file(struct.pack("<3f", 0.5, float("nan"), -0.5), Header(encoding=FLOAT, bits=32)),
        "float samples include NaN",
    ),
}


@pytest.mark.parametrize(("raw", "message"), list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_a_bad_file_is_refused_naming_its_problem(raw: bytes, message: str) -> None:
    assert message in refusal(raw)


class ReadRecorder(io.BytesIO):
    """A stream that remembers the largest read asked of it."""

    largest = 0

    def read(self, size: int | None = -1, /) -> bytes:
        self.largest = max(self.largest, size if size is not None and size >= 0 else 1 << 62)
        return super().read(size)


@pytest.mark.parametrize("chunk_id", [b"data", b"LIST"])
def test_a_header_claiming_gigabytes_reads_only_what_is_there(chunk_id: bytes) -> None:
    raw = riff(Header().fmt_chunk(), chunk(chunk_id, SOUND, declared=0xFFFF_FFF0))
    stream = ReadRecorder(raw)
    with pytest.raises(InvalidInput, match=r"4,294,967,280 bytes but only 400|no data chunk"):
        read_wav(stream)
    assert stream.largest <= 1 << 20  # never asks for the claimed size at once


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        ("a-law", "A-law (format tag 0x0006)"),
        ("u-law", "mu-law (format tag 0x0007)"),
        ("ms-adpcm", "Microsoft ADPCM (format tag 0x0002)"),
        ("ima-adpcm", "IMA ADPCM (format tag 0x0011)"),
        ("gsm-full-rate", "GSM 6.10 (format tag 0x0031)"),
    ],
)
def test_files_sox_writes_in_other_encodings_are_refused_by_name(
    speech_master: Path, encoding: str, named: str
) -> None:
    target = speech_master.with_name(f"{encoding}.wav")
    rate = ("rate", "8000") if encoding == "gsm-full-rate" else ()
    sox(speech_master, "-e", encoding, "-c", "1", target, *rate)
    message = refusal(target.read_bytes())
    assert named in message
    assert "export it as PCM" in message
