"""The job input page: a workload's sample, pasted text or uploads, as it declares them.

Every bad input is shown as a form error naming the problem, and then nothing is
stored and nothing queued. Uploads stop streaming at the workload's payload limit.
"""

import io
import math
import struct
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import LimitedStream
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.html import escape
from django_q.models import OrmQ

from interp_exec.models import CpuJobPayload, CpuJobRecord
from interp_exec.routing.flag_policy import flag_name
from interp_exec.web.uploads import LimitedUploadHandler
from interp_exec.web.views import job_input
from tests.audio.wav_builder import Header, chunk, riff, wav_file
from tests.flag_helpers import set_flag

SRT = (
    b"1\r\n00:00:00,000 --> 00:00:03,000\r\nWelcome to the show.\r\n\r\n"
    b"2\r\n00:00:03,500 --> 00:00:06,000\r\nToday: birds.\r\n"
)


def page(workload: str) -> str:
    return f"/cpu/jobs/new/{workload}/"


@pytest.fixture
def person(client: Client) -> User:
    user = get_user_model().objects.create_user("host", password="pw-host-12345")
    client.force_login(user)
    return user


def counts() -> tuple[int, int, int]:
    return CpuJobRecord.objects.count(), CpuJobPayload.objects.count(), OrmQ.objects.count()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def tone_wav(seconds: float = 0.5, rate: int = 44_100, channels: int = 2) -> bytes:
    frames = int(seconds * rate)
    samples = (
        int(8000 * math.sin(2 * math.pi * 440 * i / rate))
        for i in range(frames)
        for _ in range(channels)
    )
    data = b"".join(struct.pack("<h", s) for s in samples)
    return wav_file(data, Header(channels=channels, sample_rate=rate))


def errors_of(response: Any, field: str) -> str:
    assert response.status_code in {200, 413}, response.status_code
    return " ".join(response.context["form"].errors.get(field, []))


def test_the_page_offers_the_inputs_the_workload_declares(client: Client, person: User) -> None:
    transcript = client.get(page("transcript.readability")).content.decode()
    audio = client.get(page("audio.loudness")).content.decode()
    dedupe = client.get(page("text.dedupe")).content.decode()

    assert 'value="sample"' in transcript
    assert 'value="paste"' in transcript
    assert 'accept=".txt,.srt,.vtt"' in transcript
    assert 'enctype="multipart/form-data"' in transcript
    assert 'value="paste"' not in audio
    assert 'accept=".wav"' in audio
    assert "multiple" in dedupe
    assert "---" in dedupe
    assert "One job takes at most about 8.5 s of 44.1 kHz stereo audio" in audio
    assert "an upload stops at 6,065,536 bytes" in audio
    assert 'src="/static/interp_exec/job_input.js"' in audio  # a file, not an inline script
    assert client.get(page("no.such")).status_code == 404


def test_the_job_list_links_each_workload_to_its_input_page(client: Client, person: User) -> None:
    body = client.get("/cpu/jobs/").content.decode()

    assert f'href="{page("transcript.readability")}"' in body
    assert "paste text or upload .txt, .srt, .vtt" in body
    assert f'href="{page("tests.echo")}"' in body
    assert "its sample only" in body


def test_pasted_text_is_queued_with_its_payload_and_its_word_count(
    client: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page("transcript.readability"),
            {"source": "paste", "size": "2000", "text": "One two three. Four five!"},
        )

    record = CpuJobRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    assert (record.size, record.seed, record.created_by) == (5, None, person)
    assert record.payload == {"text": "One two three. Four five!"}
    assert OrmQ.objects.count() == 1


def test_an_uploaded_subtitle_file_is_queued_with_its_spoken_seconds(
    client: Client, person: User
) -> None:
    response = client.post(
        page("transcript.readability"), {"source": "upload", "files": upload("ep.srt", SRT)}
    )

    record = CpuJobRecord.objects.get()
    assert response.status_code == 302
    assert record.payload == {"text": "Welcome to the show. Today: birds.", "spoken_seconds": 5.5}
    assert record.size == 6


def test_several_documents_are_queued_as_one_dedupe_job(client: Client, person: User) -> None:
    files = [upload("one.txt", b"First show notes."), upload("two.txt", b"Second show notes.")]

    response = client.post(page("text.dedupe"), {"source": "upload", "files": files})

    record = CpuJobRecord.objects.get()
    assert response.status_code == 302
    assert record.payload == {
        "paragraphs": ["First show notes.", "Second show notes."],
        "names": ["one.txt", "two.txt"],
    }
    assert record.size == 2


def test_a_wav_upload_is_decoded_and_sized_in_samples_per_channel(
    client: Client, person: User
) -> None:
    response = client.post(
        page("audio.loudness"), {"source": "upload", "files": upload("ep.wav", tone_wav())}
    )

    record = CpuJobRecord.objects.get()
    assert response.status_code == 302
    assert (record.payload["sample_rate"], record.payload["channels"]) == (44_100, 2)
    assert record.size == 22_050


def test_the_sample_is_still_a_choice(client: Client, person: User) -> None:
    response = client.post(page("audio.spectrum"), {"source": "sample", "size": "300", "seed": "3"})

    record = CpuJobRecord.objects.get()
    assert response.status_code == 302
    assert (record.size, record.seed, record.payload) == (300, 3, None)


TRUNCATED_WAV = riff(Header().fmt_chunk(), chunk(b"data", b"\x01\x00" * 10, declared=4000))
MU_LAW_WAV = wav_file(b"\x00" * 100, Header(encoding=7, bits=8))


@pytest.mark.parametrize(
    ("workload", "data", "field", "problem"),
    [
        (
            "audio.loudness",
            {"files": upload("ep.wav", b"RIFX" + b"\x00" * 40)},
            "files",
            "ep.wav: ",
        ),
        ("audio.loudness", {"files": upload("ep.wav", TRUNCATED_WAV)}, "files", "ep.wav: "),
        ("audio.loudness", {"files": upload("ep.wav", MU_LAW_WAV)}, "files", "mu-law"),
        ("audio.loudness", {"files": upload("ep.wav", b"")}, "files", "ep.wav: The file is empty"),
        ("audio.loudness", {"files": upload("ep.mp3", b"ID3")}, "files", "ep.mp3 is not a file"),
        ("transcript.readability", {"files": upload("ep.txt", b"")}, "files", "ep.txt is empty"),
        (
            "transcript.readability",
            {"files": upload("ep.srt", b"1\n00:00:01,000 --> 00:0x:02,000\nHi\n")},
            "files",
            "ep.srt, line 2: '00:00:01,000 --> 00:0x:02,000' is not a cue timing",
        ),
        (
            "transcript.readability",
            {"files": upload("ep.txt", "caf\u00e9".encode("latin-1"))},
            "files",
            "ep.txt is not UTF-8 text: byte 0xe9 at offset 3",
        ),
        ("transcript.readability", {"files": []}, "files", "choose a file to upload"),
        ("text.dedupe", {"files": [upload("a.txt", b"one")]}, "files", "at least two documents"),
        (
            "audio.loudness",
            {"files": [upload("a.wav", tone_wav(0.1)), upload("b.wav", tone_wav(0.1))]},
            "files",
            "upload one file, not 2",
        ),
        (
            "transcript.readability",
            {"files": [upload("a.srt", SRT), upload("b.txt", b"Two.")]},
            "files",
            "upload one file, not 2",
        ),
    ],
)
def test_a_bad_upload_is_a_form_error_and_nothing_is_stored(
    client: Client,
    person: User,
    django_capture_on_commit_callbacks: Any,
    workload: str,
    data: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(workload), {"source": "upload", **data})

    assert problem in errors_of(response, field)
    assert escape(problem) in response.content.decode()
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("workload", "data", "field", "problem"),
    [
        ("transcript.readability", {"source": "paste", "text": "  \n "}, "text", "paste some text"),
        ("transcript.readability", {"source": "paste", "text": "... ?!"}, "text", "holds no words"),
        (
            "transcript.readability",
            {"source": "paste", "text": "a\x00b"},
            "text",
            "Null characters",
        ),
        ("text.dedupe", {"source": "paste", "text": "Just one."}, "text", "found 1"),
        (
            "transcript.readability",
            {"source": "sample", "size": "10", "text": "My words."},
            "source",
            "You chose the sample but also gave text",
        ),
        ("transcript.readability", {"source": "sample"}, "size", "Give the size of the sample"),
        ("transcript.readability", {"source": "telepathy"}, "source", "Select a valid choice"),
    ],
)
def test_bad_pasted_text_or_choices_are_form_errors_and_nothing_is_stored(
    client: Client,
    person: User,
    django_capture_on_commit_callbacks: Any,
    workload: str,
    data: dict[str, str],
    field: str,
    problem: str,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(workload), data)

    assert problem in errors_of(response, field)
    assert counts() == (0, 0, 0)


def test_input_whose_payload_is_over_the_limit_is_refused_before_queueing(
    client: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    set_flag(flag_name("transcript.readability"), max_payload_bytes=1_000)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page("transcript.readability"), {"source": "paste", "text": "word " * 300}
        )

    assert (
        "over this workload's limit of about 166 words of English text "
        "(a payload of 1,000 bytes and 1,000,000 words)" in errors_of(response, "text")
    )
    assert counts() == (0, 0, 0)


def test_an_upload_over_the_limit_is_refused_by_name(
    client: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    set_flag(flag_name("transcript.readability"), max_payload_bytes=1_000)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page("transcript.readability"),
            {"source": "upload", "files": upload("long.txt", b"word " * 1_000)},
        )

    assert "long.txt goes over this workload's upload limit of 1,000 bytes" in errors_of(
        response, "files"
    )
    assert response.context["form"]["source"].value() == "upload"  # fields before the file kept
    assert counts() == (0, 0, 0)


class CountingStream(io.BytesIO):
    """A request body that counts what is read of it."""

    def __init__(self, body: bytes) -> None:
        super().__init__(body)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


@pytest.fixture
def reading_limit() -> int:
    limit = 10_000
    set_flag(flag_name("transcript.readability"), max_payload_bytes=limit)
    return limit


def test_an_upload_stops_streaming_at_the_limit_and_is_never_read_whole(
    person: User, reading_limit: int
) -> None:
    body = encode_multipart(
        BOUNDARY,
        {"source": "upload", "files": upload("huge.txt", b"word " * 1_000_000)},  # 5 MB
    )
    request = RequestFactory().generic(
        "POST", page("transcript.readability"), body, content_type=MULTIPART_CONTENT
    )
    stream = CountingStream(body)
    request._stream = LimitedStream(stream, len(body))  # type: ignore[assignment]
    request.user = person
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]

    response = job_input(request, workload="transcript.readability")

    chunk_size = LimitedUploadHandler.chunk_size
    assert stream.bytes_read <= reading_limit + 2 * chunk_size + 1_000
    assert stream.bytes_read < len(body) // 50
    assert b"huge.txt goes over this workload&#x27;s upload limit of 10,000 bytes" in (
        response.content
    )
    assert counts() == (0, 0, 0)


def test_a_form_too_large_to_read_is_refused_with_the_reason(
    client: Client, person: User, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000

    response = client.post(
        page("transcript.readability"), {"source": "paste", "text": "w " * 2_000}
    )

    assert response.status_code == 413
    assert "upload it as a file instead" in response.context["request_error"]
    assert "upload it as a file instead" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_too_many_files_are_refused_with_the_reason(
    client: Client, person: User, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [upload(f"{n}.txt", b"notes") for n in range(3)]

    response = client.post(page("text.dedupe"), {"source": "upload", "files": files})

    assert response.status_code == 413
    assert "send fewer" in response.context["request_error"]
    assert counts() == (0, 0, 0)


def test_the_input_page_needs_a_login_and_the_csrf_token(person: User) -> None:
    anonymous = Client()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)

    assert anonymous.get(page("text.dedupe")).status_code == 302
    assert (
        strict.post(page("text.dedupe"), {"source": "paste", "text": "a\n\nb"}).status_code == 403
    )
    assert counts() == (0, 0, 0)
