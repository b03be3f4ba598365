"""Payloads made from a person's own input run the same in every mode.

The parsers' payloads carry what samples do not (``spoken_seconds``, documents'
``names``, another rate and channel count): each mode must give the same value.
"""

import math
import struct

from interp_exec import CpuJob, ExecutorMode, JobStatus, get_cpu_port
from interp_exec.core.domain.inputs import InputFile
from interp_exec.core.workloads import get_workload
from tests.audio.wav_builder import Header, wav_file

SRT = (
    b"1\r\n00:00:00,000 --> 00:00:02,500\r\nWelcome back to the show, um, about birds.\r\n\r\n"
    b"2\r\n00:00:03,000 --> 00:00:06,000\r\n<i>Today</i> we talk about bees and flowers.\r\n"
)


def tone(rate: int, channels: int, seconds: float = 0.5) -> bytes:
    frames = int(rate * seconds)
    return wav_file(
        b"".join(
            struct.pack("<h", int(9000 * math.sin(2 * math.pi * 220 * (c + 1) * i / rate)))
            for i in range(frames)
            for c in range(channels)
        ),
        Header(channels=channels, sample_rate=rate),
    )


def job_from_upload(workload: str, *files: InputFile) -> CpuJob:
    inputs = get_workload(workload).inputs
    assert inputs is not None
    assert inputs.upload is not None
    payload = inputs.upload.parse_files(files)
    return CpuJob(workload, payload, size=inputs.size_of(payload, most=10**6))


def test_every_mode_gives_the_same_value_for_uploaded_input() -> None:
    jobs = [
        job_from_upload("transcript.readability", InputFile("ep.srt", SRT)),
        job_from_upload(
            "text.dedupe",
            InputFile("a.txt", b"the guest talks about the lighthouse and the harbour"),
            InputFile("b.txt", b"the guest talks about the lighthouse and the harbour today"),
        ),
        job_from_upload("audio.loudness", InputFile("s.wav", tone(44_100, 2))),
        job_from_upload("audio.spectrum", InputFile("m.wav", tone(44_100, 1))),
    ]

    by_mode = {mode: get_cpu_port(mode).map(jobs) for mode in ExecutorMode}

    for outcomes in by_mode.values():
        assert [o.status for o in outcomes] == [JobStatus.OK] * len(jobs), outcomes
    baseline = [o.value for o in by_mode[ExecutorMode.INLINE]]
    for outcomes in by_mode.values():
        assert [o.value for o in outcomes] == baseline
    assert baseline[0]["words_per_minute"] == round(15 / (5.5 / 60), 1)
    assert baseline[1]["duplicate_pairs"]
