"""A person's own transcript for ``transcript.readability``: pasted text or a file.

A ``.txt`` file is the transcript as it is. A subtitle file (``.srt``, ``.vtt``)
gives the words of its cues and, from their timings, the seconds actually spoken
(``spoken_seconds``): the workload then reports the real speaking pace instead of
estimating the minutes from a typical 150 words a minute.
"""

from collections.abc import Sequence

from episodic_site.workloads.text_files import clean_pasted_text, decode_text_file
from interp_exec.core.domain.inputs import InputFile

# For the type checker only: a subinterpreter importing this module loads no typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TRANSCRIPT_SUFFIXES = (".txt", ".srt", ".vtt")


def transcript_from_text(text: str) -> dict[str, Any]:
    return {"text": clean_pasted_text(text)}


def transcript_from_files(files: Sequence[InputFile]) -> dict[str, Any]:
    # Imported here, not with the module: uploads are parsed on the site, never in a
    # worker, and the parsers' dataclasses would cost every subinterpreter that
    # imports this workload 1.1 MiB (dataclasses imports inspect).
    from episodic_site.workloads.subtitles import parse_srt, parse_vtt

    (file,) = files
    text = decode_text_file(file)
    parse_subtitles = {".srt": parse_srt, ".vtt": parse_vtt}.get(file.suffix)
    if parse_subtitles is None:
        return {"text": text}
    subtitles = parse_subtitles(text, file.name)
    payload: dict[str, Any] = {"text": subtitles.text}
    if subtitles.spoken_seconds > 0:
        payload["spoken_seconds"] = subtitles.spoken_seconds
    return payload
