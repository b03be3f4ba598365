"""The site's URL map: the home page, sign-in, the admin and the CPU execution app
(its pages, API, metrics and health, all under ``/cpu/``)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from episodic_site.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    # People who queue jobs need not be staff, so they sign in here, not in the admin.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cpu/", include("interp_exec.urls")),
]
