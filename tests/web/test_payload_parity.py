"""One check of a payload for the job form and the API: the same bad payload is refused
with the same sentence, whether a person's file or text made it or a program sent it,
and a good one is encoded once on its way to the stored job.

Each case is a form post whose input parses into a payload that its workload does
not take, and that payload sent whole to the API. Nothing is stored either way.
"""

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from episodic_site.workloads.wav import read_wav
from interp_exec.models import CpuJobPayload
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue import queueing
from interp_exec.task_queue.stored_payloads import storable_json
from tests.api_clients import JOBS, client_with_token, counts
from tests.audio.wav_builder import Header, wav_file
from tests.flag_helpers import set_flag

# 101 hours of speech: more than a payload's spoken_seconds may say (100 hours).
SRT_OF_101_HOURS = b"1\n000:00:00,000 --> 101:00:00,000\nHello there.\n"
# 6,000 samples of 8-bit audio: a 6 kB file, a payload of 16 kB (16-bit, base64).
WAV_8_BIT = wav_file(bytes(range(256)) * 23 + bytes(112), Header(bits=8, channels=1))


@pytest.fixture
def person(client: Client) -> User:
    user = get_user_model().objects.create_user("both", password="pw-both-12345")
    client.force_login(user)
    return user


@pytest.fixture
def api(person: User) -> APIClient:
    return client_with_token(person)


def form_error(client: Client, workload: str, data: dict[str, Any]) -> str:
    response = client.post(f"/cpu/jobs/new/{workload}/", data)
    form = response.context["form"]
    field = "files" if data["source"] == "upload" else "text"
    assert list(form.errors) == [field], form.errors
    return " ".join(form.errors[field])


def api_error(api: APIClient, workload: str, payload: Any) -> str:
    response = api.post(JOBS, {"workload": workload, "payload": payload}, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["payload"], response.json()
    return " ".join(response.json()["payload"])


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("workload", "form", "payload", "problem"),
    [
        (
            "transcript.readability",
            {"source": "upload", "files": upload("ep.srt", SRT_OF_101_HOURS)},
            {"text": "Hello there.", "spoken_seconds": 363_600.0},
            "spoken_seconds must be a number of seconds from 0.001 to 360,000, got 363600.0",
        ),
        (
            "transcript.readability",
            {"source": "paste", "text": "?! ... -- !!"},
            {"text": "?! ... -- !!"},
            "the input holds no words to work on",
        ),
        (
            "text.dedupe",
            {"source": "paste", "text": "Only one document, however long it runs."},
            {"paragraphs": ["Only one document, however long it runs."]},
            "at least two documents are needed to compare; found 1",
        ),
        (
            "text.dedupe",
            {"source": "upload", "files": [upload("a.txt", b"One document.")]},
            {"paragraphs": ["One document."], "names": ["a.txt"]},
            "at least two documents are needed to compare; found 1",
        ),
    ],
)
def test_a_bad_payload_is_refused_with_the_same_sentence_by_the_form_and_the_api(
    client: Client, api: APIClient, workload: str, form: dict[str, Any], payload: Any, problem: str
) -> None:
    from_form = form_error(client, workload, form)
    from_api = api_error(api, workload, payload)

    assert from_form == from_api
    assert problem in from_api
    assert counts() == (0, 0, 0)


def test_a_payload_over_the_limit_is_refused_alike_even_when_its_file_was_not(
    client: Client, api: APIClient
) -> None:
    """An 8-bit file becomes a payload almost three times its size: the upload passes
    the limit as it streams in, the payload it makes does not."""
    set_flag(flag_name("audio.loudness"), max_payload_bytes=10_000)
    payload = read_wav(io.BytesIO(WAV_8_BIT))

    from_form = form_error(
        client, "audio.loudness", {"source": "upload", "files": upload("ep.wav", WAV_8_BIT)}
    )
    from_api = api_error(api, "audio.loudness", payload)

    assert from_form == from_api
    assert "over this workload's limit of about 42 ms of 44.1 kHz stereo audio" in from_api
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("path", ["form", "api"])
def test_a_payload_is_encoded_once_on_its_way_to_the_job(
    path: str,
    client: Client,
    api: APIClient,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    encoded: list[Any] = []

    def counted(payload: Any) -> str:
        encoded.append(payload)
        return storable_json(payload)

    monkeypatch.setattr(queueing, "storable_json", counted)
    text = "One two three. Four five!"

    with django_capture_on_commit_callbacks(execute=True):
        if path == "form":
            posted = client.post(
                "/cpu/jobs/new/transcript.readability/", {"source": "paste", "text": text}
            )
            assert posted.status_code == 302
        else:
            sent = api.post(
                JOBS,
                {"workload": "transcript.readability", "payload": {"text": text}},
                format="json",
            )
            assert sent.status_code == 201, sent.json()

    assert encoded == [{"text": text}]
    stored = CpuJobPayload.objects.get()
    assert stored.json_text == storable_json({"text": text})
    assert stored.job.size == 5
