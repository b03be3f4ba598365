"""The site's URL map: the home page, the admin, the CPU execution app and its API,
metrics and health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from episodic_site.views import home
from interp_exec.admin.workers import workers_page
from interp_exec.health_views import load_balancer_health, staff_health
from interp_exec.metrics_view import metrics_view

urlpatterns = [
    path("", home, name="home"),
    path("admin/workers/", workers_page, name="admin-workers"),  # before the admin's catch-all
    path("admin/", admin.site.urls),
    # People who queue jobs need not be staff, so they sign in here, not in the admin.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cpu/", include("interp_exec.web.urls")),
    path("api/", include("interp_exec.api.urls")),
    path("metrics/", metrics_view, name="metrics"),
    path("health/", load_balancer_health, name="health"),
    path("health/detail/", staff_health, name="health-detail"),
]
