"""The WAV upload both audio workloads take, declared once for both.

It lives beside them, not in their decorators, because decoding float WAVs uses
numpy: ``loudness`` must import nothing a subinterpreter cannot load, or the
probe would send it to processes. Subinterpreters never import this module: it
registers no workload of its own.

``read_wav`` (wav.py) decodes the file into their payload (``sample_rate``,
``channels``, ``pcm16_b64``); a job's size is its samples per channel, the unit
their ``min_task_size`` is in. A payload given whole (the API) is checked here as
the workloads would check it, so a bad one is refused before it is queued.
"""

import base64
import io
from collections.abc import Sequence
from typing import Any

from episodic_site.workloads import loudness, spectrum  # noqa: F401 - registers both
from episodic_site.workloads.payload_checks import only_keys, whole_number
from episodic_site.workloads.pcm import (
    MAX_CHANNELS,
    MAX_SAMPLE_RATE,
    MIN_SAMPLE_RATE,
    SAMPLE_RATE,
)
from episodic_site.workloads.wav import read_wav
from interp_exec.core.domain.errors import InvalidInput
from interp_exec.core.domain.inputs import FileUpload, InputFile, WorkloadInputs
from interp_exec.core.workloads.registry import declare_inputs

_PAYLOAD_KEYS = ("sample_rate", "channels", "pcm16_b64")
# The payload's JSON around its base64 at the most: {"sample_rate": 192000, ...}.
_PAYLOAD_FRAMING_BYTES = 64
# Podcasts are mastered at the CD rate; limits are told in seconds of it.
_PODCAST_RATE = 44_100
# A 64-bit float sample (8 bytes) becomes 2 bytes of PCM, 8/3 as base64.
_LARGEST_FILE_PER_PAYLOAD_BYTE = 3
# Room for the chunks a WAV file may carry besides its audio (LIST, bext, cue).
_WAV_METADATA_BYTES = 1 << 16


def audio_from_files(files: Sequence[InputFile]) -> dict[str, Any]:
    (file,) = files
    try:
        return read_wav(io.BytesIO(file.content))
    except InvalidInput as exc:
        raise InvalidInput(f"{file.name}: {exc}") from None


def samples_per_channel(payload: Any) -> int:
    """An audio payload's size, after the checks the workloads would fail it on."""
    if not isinstance(payload, dict) or not isinstance(payload.get("pcm16_b64"), str):
        raise InvalidInput('an audio payload is an object with "pcm16_b64": base64 text')
    only_keys(payload, _PAYLOAD_KEYS, "an audio payload")
    channels = whole_number(payload, "channels", 1, 1, MAX_CHANNELS)
    whole_number(payload, "sample_rate", SAMPLE_RATE, MIN_SAMPLE_RATE, MAX_SAMPLE_RATE)
    try:
        pcm_bytes = len(base64.b64decode(payload["pcm16_b64"], validate=True))
    except ValueError:  # binascii.Error, or a character outside ASCII
        raise InvalidInput("pcm16_b64 is not base64 text") from None
    frame = 2 * channels
    if pcm_bytes % frame:
        raise InvalidInput(
            f"pcm16_b64 holds {pcm_bytes:,} bytes, not a whole number of {channels}-channel "
            "16-bit frames"
        )
    return pcm_bytes // frame


def audio_capacity(payload_limit: int) -> str:
    """What a payload limit holds, in seconds of 44.1 kHz audio and bytes of 16-bit WAV."""
    pcm_bytes = max(0, payload_limit - _PAYLOAD_FRAMING_BYTES) // 4 * 3
    stereo_seconds = pcm_bytes / (2 * 2 * _PODCAST_RATE)
    return (
        f"about {duration(stereo_seconds)} of 44.1 kHz stereo audio "
        f"({duration(2 * stereo_seconds)} mono; a 16-bit WAV of {pcm_bytes:,} bytes)"
    )


def largest_wav(payload_limit: int) -> int:
    """The most WAV bytes that may still fit ``payload_limit``: 64-bit float shrinks most."""
    return _LARGEST_FILE_PER_PAYLOAD_BYTE * payload_limit + _WAV_METADATA_BYTES


def duration(seconds: float) -> str:
    """``seconds`` as a person says it: "425 ms", "8.5 s", "3 min 20 s", "1 h 5 min"."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if round(seconds, 1) < 60:  # 59.96 s reads "1 min 0 s", not "60.0 s"
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    return f"{minutes // 60} h {minutes % 60} min"


WAV_INPUTS = WorkloadInputs(
    unit="samples per channel",
    measure=samples_per_channel,
    upload=FileUpload(
        suffixes=(".wav",),
        parse=audio_from_files,
        help_text=("A WAV file: PCM 8, 16, 24 or 32-bit or float, 1 to 8 channels, 8 to 192 kHz."),
        largest_file=largest_wav,
    ),
    capacity=audio_capacity,
)

# Imported above so that both are registered before they are given their input.
for _name in ("audio.loudness", "audio.spectrum"):
    declare_inputs(_name, WAV_INPUTS)
