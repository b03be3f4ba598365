"""Decode an uploaded WAV file into the audio payload the audio workloads take.

``read_wav`` walks the RIFF chunks itself (``struct``): the ``fmt `` chunk says how
the samples are stored, the ``data`` chunk holds them, any other chunk (LIST,
fact, cue) is read past. The samples then become interleaved little-endian
16-bit PCM, base64 in ``pcm16_b64``, with the file's rate and channel count.

Why not the standard library's ``wave``: in 3.14 it refuses IEEE float files
("unknown format: 3"), so a chunk walker is needed anyway, and for the integer
files it would be a second parser of the same header that says less: it does not
check block alignment, returns a short read instead of reporting a truncated
data chunk, and fails a short header with a bare ``EOFError``.

Conversion runs in the web process, so it never loops over samples in Python:
integer samples keep their two most significant bytes by slicing (8-bit unsigned
goes through a byte translation table), float samples are scaled, rounded and
clipped by numpy. A data chunk of unknown size (0xFFFFFFFF, what ffmpeg writes
to a pipe) runs to the end of the file. Every problem raises ``InvalidInput``
naming it. The stream is
read in bounded pieces and never past what it offers: a header that claims
gigabytes costs only what the (caller-bounded) stream holds.
"""

import base64
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO, Final

import numpy as np

from episodic_site.workloads.pcm import MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE
from interp_exec.core.domain import InvalidInput

_PCM: Final = 0x0001
_IEEE_FLOAT: Final = 0x0003
_EXTENSIBLE: Final = 0xFFFE
# The last 14 bytes of every KSDATAFORMAT_SUBTYPE GUID; the first two are the tag.
_SUBTYPE_GUID_TAIL: Final = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
_SAMPLE_BITS: Final = {_PCM: (8, 16, 24, 32), _IEEE_FLOAT: (32, 64)}
# Encodings met in the wild that this decoder does not take, named in the error.
_ENCODING_NAMES: Final = {
    0x0002: "Microsoft ADPCM",
    0x0006: "A-law",
    0x0007: "mu-law",
    0x0011: "IMA ADPCM",
    0x0022: "TrueSpeech",
    0x0031: "GSM 6.10",
    0x0050: "MPEG audio",
    0x0055: "MPEG layer 3 (MP3)",
    0x00FF: "AAC",
    0x0161: "Windows Media Audio",
    0x2000: "Dolby AC-3",
    0xF1AC: "FLAC",
}
# Unsigned 8-bit sample -> the high byte of the same level as signed 16-bit.
_UNSIGNED_TO_SIGNED_HIGH_BYTE: Final = bytes((value ^ 0x80) for value in range(256))
_READ_PIECE: Final = 1 << 20
# The size a streaming writer (ffmpeg or sox to a pipe) leaves in the header: the
# data runs to the end of the file.
_SIZE_UNKNOWN: Final = 0xFFFF_FFFF


@dataclass(frozen=True)
class WavFormat:
    """What a ``fmt `` chunk says, reduced to what decoding needs."""

    encoding: int  # _PCM or _IEEE_FLOAT, with WAVE_FORMAT_EXTENSIBLE resolved
    channels: int
    sample_rate: int
    block_align: int
    bits: int  # the container size of one sample


def read_wav(stream: BinaryIO) -> dict[str, Any]:
    """The audio payload ``{"sample_rate", "channels", "pcm16_b64"}`` of a WAV file.

    Raises ``InvalidInput`` naming the problem for anything that is not a complete
    PCM (8/16/24/32-bit) or IEEE float (32/64-bit) WAV file of 1-8 channels at
    8-192 kHz.
    """
    header = _read_up_to(stream, 12)
    if not header:
        raise InvalidInput("The file is empty (0 bytes): upload a WAV file.")
    _check_riff_header(bytes(header))
    wav_format: WavFormat | None = None
    while True:
        chunk_header = _read_up_to(stream, 8)
        if len(chunk_header) < 8:
            missing = "fmt and data chunks" if wav_format is None else "data chunk"
            raise InvalidInput(
                f"The WAV file has no {missing}: it ends before any audio. "
                "The file is incomplete or not a WAV file."
            )
        chunk_id, size = struct.unpack("<4sI", chunk_header)
        if chunk_id == b"fmt ":
            wav_format = _parse_fmt(bytes(_read_chunk(stream, "fmt", size)))
            _skip(stream, size & 1)  # chunks are padded to an even length
        elif chunk_id == b"data":
            if wav_format is None:
                raise InvalidInput(
                    "The WAV file's data chunk comes before its fmt chunk, so how its "
                    "samples are stored is unknown. Re-export the file."
                )
            if size == _SIZE_UNKNOWN:
                return _payload(wav_format, _whole_frames(stream, wav_format.block_align))
            return _payload(wav_format, _read_chunk(stream, "data", size))
        else:
            _skip(stream, size + (size & 1))


def _check_riff_header(header: bytes) -> None:
    if header[:4] == b"RIFX":
        raise InvalidInput("Big-endian (RIFX) WAV files are not supported: export little-endian.")
    if header[:4] == b"RF64":
        raise InvalidInput("RF64 (WAV over 4 GB) files are not supported.")
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        raise InvalidInput("The file is not a WAV file: it does not start with a RIFF/WAVE header.")


def _parse_fmt(body: bytes) -> WavFormat:
    if len(body) < 16:
        raise InvalidInput(
            f"The WAV file's fmt chunk is {len(body)} bytes; a valid one has at least 16."
        )
    tag, channels, sample_rate, _byte_rate, block_align, bits = struct.unpack("<HHIIHH", body[:16])
    encoding = _extensible_encoding(body) if tag == _EXTENSIBLE else tag
    if encoding not in _SAMPLE_BITS:
        name = _ENCODING_NAMES.get(encoding, "an unknown encoding")
        raise InvalidInput(
            f"The WAV file's audio is {name} (format tag 0x{encoding:04X}), which is not "
            "supported: export it as PCM (8, 16, 24 or 32-bit) or 32/64-bit float."
        )
    kind = "PCM" if encoding == _PCM else "float"
    if bits not in _SAMPLE_BITS[encoding]:
        allowed = ", ".join(str(b) for b in _SAMPLE_BITS[encoding])
        raise InvalidInput(
            f"The WAV file has {bits}-bit {kind} samples; {kind} must be {allowed}-bit."
        )
    if not 1 <= channels <= MAX_CHANNELS:
        raise InvalidInput(
            f"The WAV file has {channels} channels; 1 to {MAX_CHANNELS} are supported."
        )
    if not MIN_SAMPLE_RATE <= sample_rate <= MAX_SAMPLE_RATE:
        raise InvalidInput(
            f"The WAV file's sample rate is {sample_rate:,} Hz; "
            f"{MIN_SAMPLE_RATE:,} to {MAX_SAMPLE_RATE:,} Hz are supported."
        )
    frame_bytes = channels * bits // 8
    if block_align != frame_bytes:
        raise InvalidInput(
            f"The WAV file's block alignment is {block_align} bytes, but {channels} "
            f"channel(s) of {bits}-bit samples take {frame_bytes}: the header is corrupt."
        )
    return WavFormat(encoding, channels, sample_rate, block_align, bits)


def _extensible_encoding(body: bytes) -> int:
    """The real format tag of a WAVE_FORMAT_EXTENSIBLE chunk: its sub-format GUID's."""
    if len(body) < 40:
        raise InvalidInput(
            f"The WAV file's extensible fmt chunk is {len(body)} bytes; it needs 40."
        )
    sub_format = body[24:40]
    if sub_format[2:] != _SUBTYPE_GUID_TAIL:
        raise InvalidInput(
            "The WAV file's extensible sub-format is not a standard audio encoding "
            f"(GUID {sub_format.hex()}): export it as PCM or float."
        )
    tag: int = struct.unpack("<H", sub_format[:2])[0]
    return tag


def _payload(wav_format: WavFormat, data: bytearray) -> dict[str, Any]:
    if not data:
        raise InvalidInput("The WAV file's data chunk is empty: the file holds no audio.")
    if len(data) % wav_format.block_align:
        raise InvalidInput(
            f"The WAV file's data chunk holds {len(data):,} bytes, not a whole number of "
            f"{wav_format.block_align}-byte frames: the file is corrupt."
        )
    pcm16: bytes | bytearray
    if wav_format.encoding == _IEEE_FLOAT:
        pcm16 = _float_to_pcm16(data, wav_format.bits)
    else:
        pcm16 = _int_to_pcm16(data, wav_format.bits // 8)
    return {
        "sample_rate": wav_format.sample_rate,
        "channels": wav_format.channels,
        "pcm16_b64": base64.b64encode(pcm16).decode("ascii"),
    }


def _int_to_pcm16(data: bytearray, width: int) -> bytes | bytearray:
    """Little-endian signed 16-bit from ``width``-byte integer samples, by slicing.

    Wider samples keep their two most significant bytes (truncation, as ffmpeg's
    s32 -> s16 does); unsigned 8-bit moves to the high byte with its sign bit flipped.
    """
    if width == 2:
        return data
    out = bytearray(2 * (len(data) // width))
    if width == 1:
        out[1::2] = data.translate(_UNSIGNED_TO_SIGNED_HIGH_BYTE)
    else:
        out[0::2] = data[width - 2 :: width]
        out[1::2] = data[width - 1 :: width]
    return out


def _float_to_pcm16(data: bytearray, bits: int) -> bytes:
    """Full scale 1.0 -> 32768, rounded to nearest and clipped to the 16-bit range
    (as ffmpeg's flt -> s16 does); NaN is refused, since it is not a level."""
    samples = np.frombuffer(data, dtype="<f4" if bits == 32 else "<f8")
    if np.isnan(samples).any():
        raise InvalidInput("The WAV file's float samples include NaN (not a number): corrupt.")
    # Clipped to full scale before scaling, so a huge value cannot overflow to inf;
    # one new array, worked on in place (a minute of stereo float64 is 46 MB).
    scaled = np.clip(samples, -1.0, 1.0)
    scaled *= 32768.0
    np.rint(scaled, out=scaled)
    np.minimum(scaled, 32767, out=scaled)
    pcm16: bytes = scaled.astype("<i2").tobytes()
    return pcm16


def _read_chunk(stream: BinaryIO, name: str, size: int) -> bytearray:
    body = _read_up_to(stream, size)
    if len(body) < size:
        raise InvalidInput(
            f"The WAV file is truncated: its {name} chunk declares {size:,} bytes but only "
            f"{len(body):,} are present. Upload the complete file."
        )
    return body


def _whole_frames(stream: BinaryIO, block_align: int) -> bytearray:
    """The rest of the stream, without a partial frame at its end: a streamed
    file's data has no declared size to say whether it was cut short."""
    data = _read_up_to(stream, _SIZE_UNKNOWN)
    del data[len(data) - len(data) % block_align :]
    return data


def _read_up_to(stream: BinaryIO, size: int) -> bytearray:
    """Up to ``size`` bytes, fewer when the stream ends first, read in bounded pieces
    so that a size claimed by a header is never allocated before it is present."""
    body = bytearray()
    while len(body) < size:
        piece = stream.read(min(_READ_PIECE, size - len(body)))
        if not piece:
            break
        body += piece
    return body


def _skip(stream: BinaryIO, size: int) -> None:
    """Read past ``size`` bytes (or to the end); the stream need not be seekable."""
    while size > 0:
        piece = stream.read(min(_READ_PIECE, size))
        if not piece:
            return
        size -= len(piece)
