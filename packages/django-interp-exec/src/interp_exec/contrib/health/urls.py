from django.urls import URLPattern, path

from interp_exec.contrib.health.views import detailed_health, load_balancer_health

urlpatterns: list[URLPattern] = [
    path("", load_balancer_health, name="health"),
    path("detail/", detailed_health, name="health-detail"),
]
