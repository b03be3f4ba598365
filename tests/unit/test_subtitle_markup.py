"""Subtitle files at the upload limit made of markup that breaks naive patterns.

A file of unclosed ``<`` (each one rescanned to the end by ``<[^>]*>``, quadratic:
100,000 of them took 3.85 s), unclosed overrides, tags nested deep, or nothing but
cue timings must be parsed, or refused with a reason, in one pass over it. The
test only asks that each completes (a time is no assertion); the figures are in
the issue's note: ``parse_seconds`` measures them.
"""

import time
from collections.abc import Callable

import pytest

from episodic_site.workloads.transcript_inputs import transcript_from_files
from interp_exec.core import conf
from interp_exec.core.domain import InvalidInput
from interp_exec.core.domain.inputs import InputFile
from tests.unit.test_input_parsers import parsed_or_refusal

SRT_CUE = b"1\n00:00:00,000 --> 00:00:05,000\n"


def upload_limit() -> int:
    """Bytes a transcript upload may have: the payload limit (no flag sets another here)."""
    return int(conf.get_setting("MAX_PAYLOAD_BYTES"))


def filled(head: bytes, unit: bytes, tail: bytes = b"") -> bytes:
    """``head``, then ``unit`` repeated, then ``tail``: as long as an upload may be."""
    repeats = (upload_limit() - len(head) - len(tail)) // len(unit)
    return head + unit * repeats + tail


PATHOLOGICAL: dict[str, Callable[[], InputFile]] = {
    "unclosed tags": lambda: InputFile("ep.srt", filled(SRT_CUE, b"<")),
    "unclosed tags with text": lambda: InputFile("ep.srt", filled(SRT_CUE, b"<i word ")),
    "unclosed overrides": lambda: InputFile("ep.srt", filled(SRT_CUE, b"{\\")),
    "nested tags": lambda: InputFile(
        "ep.vtt", filled(b"WEBVTT\n\n00:00.000 --> 00:05.000\n", b"<i><b>", b"x")
    ),
    "timings only, srt": lambda: InputFile(
        "ep.srt", filled(b"", b"1\n00:00:00,000 --> 00:00:01,000\n\n")
    ),
    "timings only, vtt": lambda: InputFile(
        "ep.vtt", filled(b"WEBVTT\n\n", b"00:00.000 --> 00:01.000\n\n")
    ),
    "timings in one cue": lambda: InputFile(
        "ep.srt", filled(b"1\n", b"00:00:00,000 --> 00:00:01,000\n")
    ),
}


def parse_seconds(name: str) -> float:
    """How long the transcript parser takes on the file ``name`` (for the note)."""
    upload = PATHOLOGICAL[name]()
    started = time.perf_counter()
    parsed_or_refusal(lambda: transcript_from_files([upload]))
    return time.perf_counter() - started


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_a_pathological_subtitle_file_at_the_upload_limit_is_parsed_or_refused(
    name: str,
) -> None:
    upload = PATHOLOGICAL[name]()
    assert len(upload.content) > upload_limit() - 40

    outcome = parsed_or_refusal(lambda: transcript_from_files([upload]))

    if isinstance(outcome, InvalidInput):
        assert str(outcome).startswith(upload.name)
    else:
        assert isinstance(outcome["text"], str)
