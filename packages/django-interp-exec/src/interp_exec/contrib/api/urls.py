"""``api/``: jobs (list, create, detail, upload), the OpenAPI schema, and the browsable API."""

from typing import Any

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from interp_exec.contrib.api.uploads import JobUploadView
from interp_exec.contrib.api.views import JobViewSet


class JobEndpoints(EndpointEnumerator):
    """This API's endpoints only: the host's other REST framework views (and their
    schema classes) are not this schema's to describe."""

    def should_include_endpoint(self, path: str, callback: Any, *args: Any, **kwargs: Any) -> bool:
        return getattr(callback, "cls", None) in _DESCRIBED and super().should_include_endpoint(
            path, callback, *args, **kwargs
        )


_DESCRIBED = (JobViewSet, JobUploadView)


class JobSchemaGenerator(SchemaGenerator):
    endpoint_inspector_cls = JobEndpoints


app_name = "api"

router = DefaultRouter()
router.register("jobs", JobViewSet, basename="job")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "schema/",
        SpectacularAPIView.as_view(
            generator_class=JobSchemaGenerator,
            custom_settings={
                "TITLE": "CPU jobs",
                "DESCRIPTION": "Queue CPU jobs on your own payload or a workload's sample, "
                "and poll them.",
                "VERSION": "1",
            },
        ),
        name="schema",
    ),
    path("jobs/upload/<str:workload>/", JobUploadView.as_view(), name="job-upload"),
    *router.urls,
]
