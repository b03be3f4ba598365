"""Files sent to the API as they are (multipart): limits in file bytes and in the
workload's terms, refusals as JSON naming the limit, and the same job the form makes.

The upload streams through the form's handler: a body announced over the limit is
refused before a byte of it is read, a file that streams past the limit is
stopped there, and nothing is stored either way.
"""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from episodic_site.workloads.audio_inputs import audio_capacity, duration, largest_wav
from interp_exec.models import CpuJobRecord
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.drain import run_cpu_job
from tests.api_clients import JOBS, client_with_token, counts
from tests.audio.wav_builder import Header, wav_file
from tests.flag_helpers import set_flag
from tests.web.test_job_input import CountingStream, tone_wav

UPLOAD = f"{JOBS}upload/"


def upload_url(workload: str) -> str:
    return f"{UPLOAD}{workload}/"


def streamed(stream: CountingStream) -> dict[str, Any]:
    """The environ of a request whose body is read from ``stream``."""
    return {"wsgi.input": stream, "CONTENT_LENGTH": str(len(stream.getvalue()))}


def wav(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="audio/wav")


@pytest.fixture
def person() -> User:
    return get_user_model().objects.create_user("uploader", password="pw-uploader-123")


@pytest.fixture
def api(person: User) -> APIClient:
    return client_with_token(person)


def test_a_client_reads_the_limits_in_file_bytes_and_in_the_workloads_terms(
    api: APIClient,
) -> None:
    audio = api.get(upload_url("audio.loudness")).json()
    words = api.get(upload_url("transcript.readability")).json()

    assert audio == {
        "workload": "audio.loudness",
        "field": "file",
        "suffixes": [".wav"],
        "multiple": False,
        "help": audio["help"],
        "max_file_bytes": largest_wav(2_000_000),
        "max_payload_bytes": 2_000_000,
        "limit": f"{audio_capacity(2_000_000)} "
        "(a payload of 2,000,000 bytes and 1,000,000 samples per channel)",
        "flag": "cpu.audio.loudness",
    }
    assert "about 8.5 s of 44.1 kHz stereo audio (17.0 s mono" in audio["limit"]
    assert words["max_file_bytes"] == 2_000_000
    assert words["limit"].startswith("about 333,333 words of English text")


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.4249, "425 ms"),
        (8.46, "8.5 s"),
        (59.96, "1 min 0 s"),
        (200, "3 min 20 s"),
        (3_900, "1 h 5 min"),
    ],
)
def test_a_duration_reads_as_a_person_says_it(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_an_uploaded_wav_makes_the_job_the_form_makes_and_runs_to_the_same_value(
    api: APIClient, client: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    content = tone_wav(0.5)
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(upload_url("audio.loudness"), {"file": wav("ep.wav", content)})
        client.post(
            "/cpu/jobs/new/audio.loudness/", {"source": "upload", "files": wav("ep.wav", content)}
        )

    assert sent.status_code == 201, sent.json()
    by_api, by_form = CpuJobRecord.objects.order_by("created_at")
    assert sent.json()["id"] == str(by_api.pk)
    assert (by_api.size, by_api.payload) == (by_form.size, by_form.payload)
    assert by_api.size == 22_050
    for record in (by_api, by_form):
        run_cpu_job(record.pk)
        record.refresh_from_db()
    assert by_api.status == "ok"
    assert by_api.value == by_form.value


def test_several_files_make_one_job_of_a_workload_that_takes_many(
    api: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    files = [
        SimpleUploadedFile("one.txt", b"First show notes."),
        SimpleUploadedFile("two.txt", b"Second show notes."),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(upload_url("text.dedupe"), {"file": files})

    assert sent.status_code == 201, sent.json()
    assert CpuJobRecord.objects.get().size == 2


def test_a_body_announced_over_the_limit_is_refused_before_it_is_read(person: User) -> None:
    set_flag(flag_name("audio.loudness"), max_payload_bytes=1_000)
    api = client_with_token(person)
    limit = largest_wav(1_000)
    body = encode_multipart(BOUNDARY, {"file": wav("episode.wav", b"\x00" * (limit + 70_000))})
    stream = CountingStream(body)

    refused = api.generic(
        "POST", upload_url("audio.loudness"), content_type=MULTIPART_CONTENT, **streamed(stream)
    )

    assert refused.status_code == 413
    answer = refused.json()
    assert answer["detail"].startswith(
        f"the request ({len(body):,} bytes) goes over this workload's upload limit of "
        f"{limit:,} bytes: one job takes at most about 4 ms of 44.1 kHz stereo audio"
    )
    assert answer["detail"].endswith(
        "Split the input into several jobs, or raise max_payload_bytes on flag cpu.audio.loudness"
    )
    assert (answer["max_file_bytes"], answer["max_payload_bytes"]) == (limit, 1_000)
    assert stream.bytes_read == 0
    assert counts() == (0, 0, 0)


def test_a_file_that_streams_past_the_limit_is_stopped_there(person: User) -> None:
    set_flag(flag_name("transcript.readability"), max_payload_bytes=10_000)
    api = client_with_token(person)
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("long.txt", b"word " * 4_000)})
    stream = CountingStream(body)

    refused = api.generic(
        "POST",
        upload_url("transcript.readability"),
        content_type=MULTIPART_CONTENT,
        **streamed(stream),
    )

    assert refused.status_code == 413
    assert refused.json()["detail"].startswith(
        "long.txt goes over this workload's upload limit of 10,000 bytes: one job takes "
        "at most about 1,666 words of English text (a payload of 10,000 bytes and 1,000,000 words)"
    )
    assert stream.bytes_read < 10_000 + 2 * 65_536  # the limit, and the parser's last read
    assert counts() == (0, 0, 0)


def test_a_file_within_the_upload_limit_whose_payload_is_over_says_so_in_seconds(
    api: APIClient,
) -> None:
    # 8-bit samples double as 16-bit PCM: a file of 0.7 of the payload limit is over it.
    set_flag(flag_name("audio.loudness"), max_payload_bytes=100_000)
    samples = bytes(range(256)) * 274
    content = wav_file(samples, Header(channels=1, sample_rate=44_100, bits=8))

    refused = api.post(upload_url("audio.loudness"), {"file": wav("ep.wav", content)})

    assert refused.status_code == 400
    (message,) = refused.json()["file"]
    assert "over this workload's limit of about 425 ms of 44.1 kHz stereo audio" in message
    assert message.endswith("or raise max_payload_bytes on flag cpu.audio.loudness")
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("workload", "files", "status", "answer"),
    [
        ("audio.loudness", {"file": wav("ep.wav", b"RIFX" + b"\x00" * 40)}, 400, "Big-endian"),
        ("audio.loudness", {"file": wav("ep.mp3", b"ID3")}, 400, "ep.mp3 is not a file"),
        ("audio.loudness", {}, 400, "choose a file to upload"),
        (
            "audio.loudness",
            {"file": [wav("a.wav", tone_wav(0.1)), wav("b.wav", tone_wav(0.1))]},
            400,
            "upload one file, not 2",
        ),
        ("audio.loudness", {"files": wav("ep.wav", tone_wav(0.1))}, 400, "send files as 'file'"),
        ("tests.echo", {"file": wav("ep.wav", b"")}, 400, "tests.echo takes no uploaded files"),
        ("no.such", {"file": wav("ep.wav", b"")}, 404, "no workload 'no.such'"),
    ],
)
def test_a_bad_upload_answers_json_naming_the_problem_and_stores_nothing(
    api: APIClient, workload: str, files: dict[str, Any], status: int, answer: str
) -> None:
    refused = api.post(upload_url(workload), files)

    assert refused.status_code == status
    assert refused["Content-Type"] == "application/json"
    assert answer in str(refused.json())
    assert counts() == (0, 0, 0)


def test_an_upload_needs_a_token_or_a_session() -> None:
    refused = APIClient().post(upload_url("audio.loudness"), {"file": wav("ep.wav", b"")})

    assert refused.status_code == 401
    assert counts() == (0, 0, 0)


def test_the_schema_describes_the_upload(api: APIClient) -> None:
    schema = api.get("/cpu/api/schema/?format=json").json()

    validate_schema(schema)  # type: ignore[no-untyped-call]
    assert "/cpu/api/jobs/upload/{workload}/" in schema["paths"]
