"""``jobs/upload/<workload>/``: a job on files sent as they are (multipart), so a client
need not base64 a recording into JSON.

The files stream through the job form's ``LimitedUploadHandler``, installed before
anything reads the body (the CSRF check of a signed-in browser included), up to the
workload's upload limit in file bytes (``web.job_inputs.upload_limit``)::

    Content-Length over the limit (plus room for the form around the files)
      -> 413 at once, nothing read
    a file streams past the limit -> 413, the upload stopped there
    each 413 names the limit in file bytes and in the workload's terms
      ("about 8.5 s of 44.1 kHz stereo audio") and what to do
    files the workload's parser refuses -> 400 under "file", its sentence
    -> the job, queued as the form would: 201

``GET`` on the same path tells a client the limits before it sends anything.
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from interp_exec.contrib.api.serializers import (
    JobSerializer,
    UploadLimitsSerializer,
    UploadRequestSerializer,
)
from interp_exec.contrib.api.views import JobApi, queued
from interp_exec.core.domain import InvalidJob, UnknownWorkload
from interp_exec.core.domain.inputs import InputFile
from interp_exec.core.workloads import get_workload, load_configured_workloads
from interp_exec.routing.flag_policy import flag_name
from interp_exec.web.job_inputs import (
    declared_inputs,
    limit_text,
    payload_from_files,
    payload_limit,
    upload_limit,
    upload_refusal,
)
from interp_exec.web.uploads import LimitedUploadHandler

FILE_FIELD = "file"
# The multipart framing around the files: boundaries, part headers, a short field.
_FORM_BYTES = 1 << 16


class UploadSchema(AutoSchema):
    """A POST takes the files and answers 201 with the job; a GET answers the limits.
    Set on the view, as ``JobSchema`` is, so the schema needs no REST framework setting."""

    def get_request_serializer(self) -> Any:
        return UploadRequestSerializer if self.method == "POST" else None

    def get_response_serializers(self) -> Any:
        if self.method == "POST":
            return {201: JobSerializer}
        return UploadLimitsSerializer


class JobUploadView(JobApi):
    parser_classes = (MultiPartParser,)
    schema = UploadSchema()

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before REST framework wraps the request: nothing may read the body sooner.
        # A workload that takes no uploads gets a limit of 0 here, and its 404 or 400
        # in the handler, where REST framework answers errors.
        name = kwargs.get("workload", "")  # none when the schema generator asks
        limit = upload_limit(name) if _takes_uploads(name) else 0
        request.upload_handlers = [LimitedUploadHandler(request, limit)]
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        name = kwargs["workload"]
        takes_uploads = _takes_uploads(name)
        if takes_uploads is None:
            raise NotFound(f"no workload {name!r}")
        if not takes_uploads:
            raise ParseError(f"{name} takes no uploaded files")

    def get(self, request: Request, workload: str) -> Response:
        """What one job of ``workload`` may upload: the files, and the limits."""
        upload = declared_inputs(workload).upload
        assert upload is not None  # initial() refused a workload without uploads
        return Response(
            {
                "workload": workload,
                "field": FILE_FIELD,
                "suffixes": list(upload.suffixes),
                "multiple": upload.many,
                "help": upload.help_text,
                **_limits(workload),
            }
        )

    def post(self, request: Request, workload: str) -> Response:
        """Queue a job on the files sent as ``file`` (several ``file`` parts for a workload
        that takes many); its size is measured from them."""
        handler = request._request.upload_handlers[0]
        assert isinstance(handler, LimitedUploadHandler)
        sent = int(request.META.get("CONTENT_LENGTH") or 0)
        if sent > handler.limit + _FORM_BYTES:
            return _too_large(workload, f"the request ({sent:,} bytes)")
        try:
            files = request.FILES.getlist(FILE_FIELD)
            unknown = sorted((set(request.data) | set(request.FILES)) - {FILE_FIELD})
        except (RequestDataTooBig, TooManyFilesSent) as exc:
            raise ParseError(f"the form could not be read: {exc}") from None
        if handler.refused:
            return _too_large(workload, handler.refused)
        if unknown:
            raise serializers.ValidationError(
                {"non_field_errors": [f"send files as {FILE_FIELD!r} only, not {unknown}"]}
            )
        try:
            payload, size = payload_from_files(
                workload, [InputFile(f.name or "", f.read()) for f in files]
            )
        except InvalidJob as exc:
            raise serializers.ValidationError({FILE_FIELD: [str(exc)]}) from None
        return queued(request, FILE_FIELD, workload, size, payload=payload)


def _takes_uploads(name: str) -> bool | None:
    """Whether workload ``name`` takes uploaded files; None when there is no such workload."""
    load_configured_workloads()
    try:
        inputs = get_workload(name).inputs
    except UnknownWorkload:
        return None
    return inputs is not None and inputs.upload is not None


def _limits(workload: str) -> dict[str, Any]:
    return {
        "max_file_bytes": upload_limit(workload),
        "max_payload_bytes": payload_limit(workload),
        "limit": limit_text(workload),
        "flag": flag_name(workload),
    }


def _too_large(workload: str, what: str) -> Response:
    return Response(
        {"detail": upload_refusal(workload, what), **_limits(workload)},
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
