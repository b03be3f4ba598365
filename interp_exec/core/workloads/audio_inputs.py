"""The WAV upload both audio workloads take, declared once for both.

``read_wav`` (wav.py) decodes the file into their payload (``sample_rate``,
``channels``, ``pcm16_b64``); a job's size is its samples per channel, the unit
their ``min_task_size`` is in.
"""

import io
from collections.abc import Sequence
from typing import Any

from interp_exec.core.domain.errors import InvalidInput
from interp_exec.core.domain.inputs import FileUpload, InputFile, WorkloadInputs
from interp_exec.core.workloads import loudness, spectrum  # noqa: F401 - registers both
from interp_exec.core.workloads.pcm import MAX_CHANNELS
from interp_exec.core.workloads.registry import declare_inputs
from interp_exec.core.workloads.wav import read_wav


def audio_from_files(files: Sequence[InputFile]) -> dict[str, Any]:
    (file,) = files
    try:
        return read_wav(io.BytesIO(file.content))
    except InvalidInput as exc:
        raise InvalidInput(f"{file.name}: {exc}") from None


def samples_per_channel(payload: Any) -> int:
    """An audio payload's size, from the length of its base64 text (nothing decoded)."""
    encoded = payload.get("pcm16_b64") if isinstance(payload, dict) else None
    channels = payload.get("channels", 1) if isinstance(payload, dict) else None
    if not isinstance(encoded, str):
        raise InvalidInput('an audio payload is an object with "pcm16_b64": base64 text')
    if isinstance(channels, bool) or not isinstance(channels, int):
        raise InvalidInput(f"channels must be a whole number, got {channels!r}")
    if not 1 <= channels <= MAX_CHANNELS:
        raise InvalidInput(f"channels must be from 1 to {MAX_CHANNELS}, got {channels}")
    encoded_bytes = len(encoded) * 3 // 4 - len(encoded) + len(encoded.rstrip("="))
    return encoded_bytes // (2 * channels)


WAV_INPUTS = WorkloadInputs(
    unit="samples per channel",
    measure=samples_per_channel,
    upload=FileUpload(
        suffixes=(".wav",),
        parse=audio_from_files,
        help_text=("A WAV file: PCM 8, 16, 24 or 32-bit or float, 1 to 8 channels, 8 to 192 kHz."),
    ),
)

# Imported above so that both are registered before they are given their input.
for _name in ("audio.loudness", "audio.spectrum"):
    declare_inputs(_name, WAV_INPUTS)
