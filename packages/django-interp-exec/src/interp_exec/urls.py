"""Every page of the app, from one ``include()``::

    path("cpu/", include("interp_exec.urls"))

gives ``cpu/jobs/`` (queue and follow jobs; sign-in required) and ``cpu/workers/``
(staff), and, for each optional app that is installed, ``cpu/api/``
(``interp_exec.contrib.api``), ``cpu/metrics/`` (``.metrics``) and ``cpu/health/``
with ``cpu/health/detail/`` (``.health``). URL names live in the ``interp_exec``
namespace, e.g. ``reverse("interp_exec:job-list")``.
"""

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path

from interp_exec.admin.workers import workers_page
from interp_exec.web import views

app_name = "interp_exec"

urlpatterns: list[URLPattern | URLResolver] = [
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/new/<str:workload>/", views.job_input, name="job-input"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:job_id>/status.json", views.job_status_json, name="job-status"),
    path("workers/", workers_page, name="workers"),
]

if apps.is_installed("interp_exec.contrib.api"):
    urlpatterns.append(path("api/", include("interp_exec.contrib.api.urls")))

if apps.is_installed("interp_exec.contrib.metrics"):
    urlpatterns.append(path("metrics/", include("interp_exec.contrib.metrics.urls")))

if apps.is_installed("interp_exec.contrib.health"):
    urlpatterns.append(path("health/", include("interp_exec.contrib.health.urls")))
