"""A one-hour episode, 44.1 kHz stereo as sox writes it (about 635 MB), sent as a
person or a program has it: refused with the limit and what to do, and never held.

The request body is the real file streamed from disk into a real request (Django's
test handler, which reads ``wsgi.input`` as a server's would), so what the app
reads of it is counted, and this process's peak memory is measured around it.
"""

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from interp_exec.web.job_inputs import upload_limit
from tests.api_clients import counts
from tests.audio.reference_tools import sox

pytestmark = pytest.mark.django_db

HOUR_S = 3_600
BOUNDARY = "hour-long-episode"
# Well under the file: the app reads at most its upload limit (6 MB) and a piece.
MOST_PEAK_GROWTH_BYTES = 64 * 2**20


class MultipartFile(io.RawIOBase):
    """A multipart body with one file part, its content read from disk as it is read."""

    def __init__(self, field: str, path: Path, fields: dict[str, str]) -> None:
        parts = [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        ]
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{path.name}"\r\nContent-Type: audio/wav\r\n\r\n'
        )
        self.head = "".join(parts).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(self.head) + path.stat().st_size + len(self.tail)
        self.parts = iter((io.BytesIO(self.head), path.open("rb"), io.BytesIO(self.tail)))
        self.current: Any = next(self.parts)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.length if size is None or size < 0 else size
        pieces = []
        while wanted and self.current is not None:
            piece = self.current.read(wanted)
            if not piece:
                self.current.close()
                self.current = next(self.parts, None)
                continue
            pieces.append(piece)
            wanted -= len(piece)
        data = b"".join(pieces)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:  # Django's parser never asks
        raise NotImplementedError


@pytest.fixture(scope="module")
def hour_long_episode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("episode") / "episode.wav"
    sox("-n", "-r", "44100", "-c", "2", "-b", "16", path, "synth", str(HOUR_S), "sine", "440")
    yield path
    path.unlink()


def peak_rss_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss() -> int:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) * 1024


def post(client: Client, path: str, body: MultipartFile, **headers: Any) -> Any:
    # In the environ itself: the client sets a content type only with data of its own.
    environ: dict[str, Any] = {
        "wsgi.input": body,
        "CONTENT_LENGTH": str(body.length),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
    }
    return client.generic("POST", path, **environ, **headers)


def test_the_api_refuses_an_hour_long_episode_before_reading_it(hour_long_episode: Path) -> None:
    user = get_user_model().objects.create_user("producer")
    token = Token.objects.create(user=user).key
    body = MultipartFile("file", hour_long_episode, {})
    assert body.length > 635_000_000

    peak_rss_reset()
    before = peak_rss()
    refused = post(
        Client(), "/cpu/api/jobs/upload/audio.loudness/", body, HTTP_AUTHORIZATION=f"Token {token}"
    )
    growth = peak_rss() - before

    assert refused.status_code == 413
    answer = refused.json()
    assert answer["max_file_bytes"] == upload_limit("audio.loudness")
    assert f"the request ({body.length:,} bytes) goes over" in answer["detail"]
    assert "one job takes at most about 8.5 s of 44.1 kHz stereo audio" in answer["detail"]
    assert "and 1,000,000 samples per channel)" in answer["detail"]  # whatever the flag says
    assert "raise max_payload_bytes on flag cpu.audio.loudness" in answer["detail"]
    assert body.bytes_read == 0
    assert growth < MOST_PEAK_GROWTH_BYTES
    assert counts() == (0, 0, 0)


def test_the_job_form_stops_an_hour_long_episode_at_its_limit(hour_long_episode: Path) -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_user("producer"))
    body = MultipartFile("files", hour_long_episode, {"source": "upload"})

    peak_rss_reset()
    before = peak_rss()
    refused = post(client, "/cpu/jobs/new/audio.loudness/", body)
    growth = peak_rss() - before

    (error,) = refused.context["form"].errors["files"]
    assert error.startswith("episode.wav goes over this workload's upload limit of ")
    assert "about 8.5 s of 44.1 kHz stereo audio" in error
    assert upload_limit("audio.loudness") < body.bytes_read < upload_limit("audio.loudness") + 2**20
    assert growth < MOST_PEAK_GROWTH_BYTES
    assert counts() == (0, 0, 0)
