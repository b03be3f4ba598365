"""WAV files built byte by byte, to reach every header the decoder must handle
or refuse without a tool that would refuse to write a broken one."""

import struct
from dataclasses import dataclass

PCM, FLOAT, EXTENSIBLE = 0x0001, 0x0003, 0xFFFE
GUID_TAIL = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"


@dataclass(frozen=True)
class Header:
    encoding: int = PCM  # the real encoding (the sub-format when extensible)
    channels: int = 1
    sample_rate: int = 44_100
    bits: int = 16
    extensible: bool = False
    block_align: int | None = None  # None: channels * bits / 8

    def fmt_chunk(self) -> bytes:
        align = self.block_align if self.block_align is not None else self.channels * self.bits // 8
        tag = EXTENSIBLE if self.extensible else self.encoding
        body = struct.pack(
            "<HHIIHH",
            tag,
            self.channels,
            self.sample_rate,
            self.sample_rate * align,
            align,
            self.bits,
        )
        if self.extensible:
            sub_format = struct.pack("<H", self.encoding) + GUID_TAIL
            body += struct.pack("<HHI", 22, self.bits, 0) + sub_format
        return chunk(b"fmt ", body)


def chunk(chunk_id: bytes, body: bytes, declared: int | None = None) -> bytes:
    size = len(body) if declared is None else declared
    return struct.pack("<4sI", chunk_id, size) + body + b"\0" * (len(body) & 1)


def riff(*chunks: bytes) -> bytes:
    body = b"WAVE" + b"".join(chunks)
    return struct.pack("<4sI", b"RIFF", len(body)) + body


def wav_file(data: bytes, header: Header = Header(), *, extra: bytes = b"") -> bytes:
    """A complete file: RIFF header, ``extra`` chunks, fmt, then data."""
    return riff(extra, header.fmt_chunk(), chunk(b"data", data))
