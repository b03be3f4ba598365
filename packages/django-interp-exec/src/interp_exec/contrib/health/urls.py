from django.urls import URLPattern, path

from interp_exec.contrib.health.views import load_balancer_health, staff_health

urlpatterns: list[URLPattern] = [
    path("", load_balancer_health, name="health"),
    path("detail/", staff_health, name="health-detail"),
]
