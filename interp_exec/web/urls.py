from django.urls import URLPattern, URLResolver, path

from interp_exec.web import views

app_name = "interp_exec"

urlpatterns: list[URLPattern | URLResolver] = [
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/new/<str:workload>/", views.job_input, name="job-input"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:job_id>/status.json", views.job_status_json, name="job-status"),
]
