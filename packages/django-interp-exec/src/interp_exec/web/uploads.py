"""An upload handler that keeps a request's files in memory up to a byte limit, and
stops reading the request the moment they pass it.

The limit is the workload's ``max_payload_bytes`` (its policy, as for every job):
no file can make a payload much larger than itself, so a bigger upload is refused
from its first byte over the limit, never read whole first. Stopping raises
``StopUpload(connection_reset=True)``: Django's parser reads nothing more, and the
view answers with a form error. The rest of the body is the server's to discard:
Django's own server reads it away after the response (the browser would see a
reset connection otherwise), and a proxy in front enforces its own body limit.

Fields parsed before the file (the form puts the file input last) are kept, so
the CSRF token still arrives and the form can be shown again with its choices.
"""

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers, StopUpload
from django.http import HttpRequest


class LimitedUploadHandler(FileUploadHandler):
    """Files in memory, ``limit`` bytes at most in all; ``refused`` names the file that
    went over (the upload stopped there), else it is empty."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.refused = ""
        self._buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.content_length is not None and self.received + self.content_length > self.limit:
            self._refuse()
        self._buffer = io.BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        self._buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self._buffer.seek(0)
        return InMemoryUploadedFile(
            file=self._buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def _refuse(self) -> None:
        self.refused = str(self.file_name)
        self._buffer = io.BytesIO()
        raise StopUpload(connection_reset=True)
