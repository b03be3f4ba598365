"""``/api/``: jobs (list, create, detail), the OpenAPI schema, and the browsable API."""

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from interp_exec.contrib.api.views import JobViewSet

app_name = "api"

router = DefaultRouter()
router.register("jobs", JobViewSet, basename="job")

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]
