from django.urls import URLPattern, path

from interp_exec.contrib.metrics.views import metrics_view

urlpatterns: list[URLPattern] = [path("", metrics_view, name="metrics")]
