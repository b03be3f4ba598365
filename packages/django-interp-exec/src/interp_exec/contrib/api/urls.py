"""``api/``: jobs (list, create, detail), the OpenAPI schema, and the browsable API."""

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from interp_exec.contrib.api.views import JobViewSet

app_name = "api"

router = DefaultRouter()
router.register("jobs", JobViewSet, basename="job")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "schema/",
        SpectacularAPIView.as_view(
            custom_settings={
                "TITLE": "CPU jobs",
                "DESCRIPTION": "Queue CPU jobs on your own payload or a workload's sample, "
                "and poll them.",
                "VERSION": "1",
                "SERVE_INCLUDE_SCHEMA": False,
            }
        ),
        name="schema",
    ),
    *router.urls,
]
