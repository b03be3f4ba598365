"""The API's one resource, jobs: queue one, poll one, list your own.

The viewset names its own authentication (a token made in the admin, or the
site's sign-in), permission, throttle (``INTERP_EXEC["API_RATE"]`` per person,
``throttling``), parser (``parsers``: every malformed body a JSON 4xx), renderers,
pagination, schema and exception handler (``outages``: JSON 503 while the database or
the cache is down), so the API works the same whatever the host's ``REST_FRAMEWORK``
says.

A person sees only their own jobs, and an id of anyone else's answers 404 as a
missing one would; staff see everyone's (as on the site's job pages). Queueing
makes the checks the job form makes, through the same functions, and answers
400 with the field at fault; nothing is stored or queued then.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.openapi import AutoSchema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interp_exec.contrib.api.outages import answer_outages
from interp_exec.contrib.api.parsers import JobRequestParser
from interp_exec.contrib.api.serializers import JobRequestSerializer, JobSerializer
from interp_exec.contrib.api.throttling import PersonRateThrottle
from interp_exec.core.domain import InterpExecError, InvalidJob, QueueLimitReached
from interp_exec.core.workloads import get_workload
from interp_exec.models import CpuJobRecord
from interp_exec.task_queue.queueing import queue_cpu_job
from interp_exec.web.job_inputs import checked_input


class JobPages(PageNumberPagination):
    page_size = 50


class JobSchema(AutoSchema):
    """The OpenAPI description of the jobs: a POST takes a ``JobRequest`` and answers 201
    with the job. Set on the viewset (not through ``extend_schema``, which builds on
    the host's ``DEFAULT_SCHEMA_CLASS``) so the schema needs no REST framework setting."""

    def get_request_serializer(self) -> Any:
        if self.method == "POST":
            return JobRequestSerializer
        return super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        if self.method == "POST":
            return {201: JobSerializer}
        return super().get_response_serializers()


class JobApi(APIView):
    """What every view of the API names for itself, whatever the host's REST framework
    settings: authentication, permission, throttle, renderers, and the handler that
    answers outages with JSON 503."""

    authentication_classes = (TokenAuthentication, SessionAuthentication)
    permission_classes = (IsAuthenticated,)
    throttle_classes = (PersonRateThrottle,)
    renderer_classes = (JSONRenderer, BrowsableAPIRenderer)

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return answer_outages


class JobViewSet(
    JobApi,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[CpuJobRecord],
):
    serializer_class = JobSerializer
    parser_classes = (JobRequestParser,)
    pagination_class = JobPages
    schema = JobSchema()

    def get_queryset(self) -> QuerySet[CpuJobRecord]:
        jobs = CpuJobRecord.objects.all()
        if getattr(self.request.user, "is_staff", False):
            return jobs
        return jobs.filter(created_by_id=self.request.user.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Queue a job on your payload, or on the workload's sample (size and seed)."""
        asked = JobRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        data = asked.validated_data
        workload, payload = data["workload"], data.get("payload")
        field = "size" if payload is None else "payload"
        try:
            payload, size = _sized_payload(workload, payload, data)
        except InvalidJob as exc:
            raise serializers.ValidationError({field: [str(exc)]}) from None
        return queued(request, field, workload, size, payload=payload, seed=data.get("seed"))


def queued(
    request: Request,
    field: str,
    workload: str,
    size: int,
    *,
    payload: Any = None,
    seed: int | None = None,
) -> Response:
    """Queue the job and answer 201 with it; a job the app refuses answers 400 with the
    reason under ``field`` (the input at fault) or ``non_field_errors``."""
    try:
        record = queue_cpu_job(workload, size, seed=seed, payload=payload, user=request.user)
    except QueueLimitReached as exc:
        raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from None
    except InvalidJob as exc:
        raise serializers.ValidationError({field: [str(exc)]}) from None
    except InterpExecError as exc:
        raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from None
    shown = JobSerializer(record, context={"request": request})
    return Response(shown.data, status=status.HTTP_201_CREATED)


def _sized_payload(workload: str, payload: Any, data: dict[str, Any]) -> tuple[Any, int]:
    """The payload to queue and the job's size: a sample's as given; a payload's
    measured, once checked, as the workload declares it can be, else as given (a host
    workload without declared inputs)."""
    if payload is not None and get_workload(workload).inputs is not None:
        return checked_input(workload, payload)
    if "size" not in data:
        raise serializers.ValidationError(
            {"size": [f"{workload} cannot measure a payload: give the job's size with it"]}
        )
    size: int = data["size"]
    return payload, size
