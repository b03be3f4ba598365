"""Readable results on the job page and in status.json, one presenter per shipped workload."""

import base64
import math
import re
import struct
from html import unescape
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from episodic_site.result_presenters import grade_meaning, pace_meaning, reading_ease_meaning
from interp_exec.models import CpuJobPayload, CpuJobRecord
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.queueing import queue_cpu_job
from interp_exec.task_queue.stored_payloads import storable_json
from tests.audio.wav_builder import Header, wav_file


@pytest.fixture
def person(client: Client) -> User:
    user = get_user_model().objects.create_user("host")
    client.force_login(user)
    return user


def finished(workload: str, size: int, person: User, payload: Any = None) -> CpuJobRecord:
    record = queue_cpu_job(workload, size, payload=payload, user=person)
    run_cpu_job(record.pk)
    record.refresh_from_db()
    assert record.status == "ok", record.error_message
    return record


def value_of(record: CpuJobRecord) -> dict[str, Any]:
    assert isinstance(record.value, dict)
    return record.value


def shown(client: Client, record: CpuJobRecord) -> tuple[str, dict[str, Any]]:
    page = unescape(client.get(record.get_absolute_url()).content.decode())
    status = client.get(f"{record.get_absolute_url()}status.json").json()
    return page, status


def text_of(html: str) -> str:
    """The page's text with tags gone and blanks squeezed, as a person reads it."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_readability_is_shown_with_what_its_grades_mean(client: Client, person: User) -> None:
    text = "Welcome back to the show. Today we talk about birds and bees. " * 20
    record = finished("transcript.readability", 240, person, {"text": text, "spoken_seconds": 90})

    page, status = shown(client, record)
    read = text_of(page)

    value = value_of(record)
    assert f"Flesch reading ease {value['flesch_reading_ease']:.1f}" in read
    assert reading_ease_meaning(value["flesch_reading_ease"]) in read
    assert grade_meaning(value["flesch_kincaid_grade"]) in read
    assert "Words per minute 160 a conversational pace" in read
    assert "Spoken minutes 1.5 measured from the subtitle cues" in read
    assert text_of(unescape(status["result_html"])) in read  # the live page gets the same


def test_an_estimated_pace_says_so(client: Client, person: User) -> None:
    record = finished("transcript.readability", 300, person, {"text": "Hello there. " * 150})

    read = text_of(shown(client, record)[0])

    assert "estimated at 150 words a minute" in read
    assert "Words per minute" not in read


@pytest.mark.parametrize(
    ("score", "meaning"),
    [(95, "very easy"), (65, "plain English"), (45, "difficult"), (-5, "very difficult")],
)
def test_reading_ease_bands(score: float, meaning: str) -> None:
    assert reading_ease_meaning(score).startswith(meaning)


def test_grade_and_pace_bands() -> None:
    assert grade_meaning(4).startswith("easy")
    assert grade_meaning(14).startswith("hard")
    assert pace_meaning(120) == "slow"
    assert pace_meaning(150) == "a conversational pace"
    assert pace_meaning(190) == "fast"


def test_mono_loudness_is_held_against_minus_19_lufs(client: Client, person: User) -> None:
    record = finished("audio.loudness", 48_000, person)  # the sample: 48 kHz mono

    read = text_of(shown(client, record)[0])

    lufs = value_of(record)["integrated_lufs"]
    off = round(lufs + 19, 1)
    verdict = "on target" if abs(off) <= 1 else "too loud" if off > 0 else "too quiet"
    assert f"Integrated loudness {lufs:.1f} LUFS" in read
    assert f"{verdict}{'' if verdict == 'on target' else f' by {abs(off):.1f} LU'}" in read
    assert "the target for mono is -19 LUFS ± 1 LU" in read


def test_stereo_loudness_is_held_against_minus_16_lufs(client: Client, person: User) -> None:
    """The channel count comes from the stored payload when the value does not say it."""
    pcm = bytes(4 * 48_000)
    payload = {"sample_rate": 48_000, "channels": 2, "pcm16_b64": base64.b64encode(pcm).decode()}
    record = CpuJobRecord.objects.create(
        workload="audio.loudness",
        size=48_000,
        created_by=person,
        status="ok",
        value={
            "samples": 48_000,
            "seconds": 1.0,
            "integrated_lufs": -9.2,
            "loudness_range_lu": 3.4,
            "true_peak_dbtp": -0.2,
            "sample_peak_dbfs": -6.0,
        },
    )
    CpuJobPayload.objects.create(job=record, json_text=storable_json(payload))

    read = text_of(shown(client, record)[0])

    assert "too loud by 6.8 LU: the target for stereo is -16 LUFS ± 1 LU" in read
    assert "Loudness range (LRA) 3.4 LU" in read
    assert "True peak -0.2 dBTP over the -1 dBTP ceiling: may clip once encoded" in read
    assert "2 channels" in read


def test_spectrum_bands_are_a_table_of_shares(client: Client, person: User) -> None:
    record = finished("audio.spectrum", 4_800, person)

    read = text_of(shown(client, record)[0])

    for band in value_of(record)["bands"]:
        assert f"{band['low_hz']:,}\u2013{band['high_hz']:,} Hz {100 * band['share']:.1f} %" in read


def test_duplicate_pairs_are_named_with_their_similarity(client: Client, person: User) -> None:
    notes = "the guest talks about the lighthouse and the harbour festival in the village " * 3
    payload = {"paragraphs": [notes, "something else entirely, about music", notes + " today"]}
    payload["names"] = ["ep1.txt", "ep2.txt", "ep3.txt"]
    record = finished("text.dedupe", 3, person, payload)

    read = text_of(shown(client, record)[0])

    (first, second, similarity) = value_of(record)["duplicate_pairs"][0]
    assert (first, second) == (0, 2)
    assert "1 near-duplicate pair among 3 documents" in read
    assert f"#1 ep1.txt #3 ep3.txt {100 * similarity:.1f} %" in read


def test_a_host_workload_shows_its_raw_json_open(client: Client, person: User) -> None:
    record = finished("tests.echo", 1, person, {"said": "hello"})

    page, status = shown(client, record)

    assert status["result_html"] == ""
    assert '<details class="raw-json" data-raw-json open>' in page
    assert '"said": "hello"' in page


def test_a_shipped_workloads_raw_json_is_one_click_away(client: Client, person: User) -> None:
    record = finished("audio.spectrum", 300, person)

    page, status = shown(client, record)

    assert '<details class="raw-json" data-raw-json>' in page
    assert '"bands": [' in page
    assert status["display"]["value_json"].startswith("{\n")


def test_a_value_of_an_unexpected_shape_falls_back_to_raw_json(
    client: Client, person: User
) -> None:
    record = CpuJobRecord.objects.create(
        workload="audio.spectrum", size=1, created_by=person, status="ok", value={"bands": 3}
    )

    page, status = shown(client, record)

    assert status["result_html"] == ""
    assert "data-raw-json open" in page


def test_silence_is_too_quiet_to_measure(client: Client, person: User) -> None:
    record = CpuJobRecord.objects.create(
        workload="audio.loudness",
        size=48_000,
        created_by=person,
        status="ok",
        value={"samples": 48_000, "seconds": 1.0, "channels": 1, "integrated_lufs": None},
    )

    read = text_of(shown(client, record)[0])

    assert "Integrated loudness — too quiet to measure: no block above -70 LUFS" in read
    assert "Sample peak —" in read
    assert "True peak" not in read


def test_an_uploaded_stereo_wav_is_measured_against_the_stereo_target(
    client: Client, person: User
) -> None:
    rate, seconds = 44_100, 4
    frames = (
        struct.pack("<hh", int(8000 * math.sin(2 * math.pi * 300 * i / rate)), 0)
        for i in range(rate * seconds)
    )
    response = client.post(
        "/cpu/jobs/new/audio.loudness/",
        {
            "source": "upload",
            "files": SimpleUploadedFile(
                "ep.wav", wav_file(b"".join(frames), Header(channels=2, sample_rate=rate))
            ),
        },
    )
    record = CpuJobRecord.objects.get()
    assert response.status_code == 302
    run_cpu_job(record.pk)
    record.refresh_from_db()

    read = text_of(shown(client, record)[0])

    value = value_of(record)
    assert value["channels"] == 2
    assert f"Integrated loudness {value['integrated_lufs']:.1f} LUFS" in read
    assert "the target for stereo is -16 LUFS ± 1 LU" in read
    assert f"Loudness range (LRA) {value['loudness_range_lu']:.1f} LU" in read
    assert f"True peak {value['true_peak_dbtp']:.1f} dBTP within the -1 dBTP ceiling" in read
    assert "Duration 4.0 s 2 channels" in read
