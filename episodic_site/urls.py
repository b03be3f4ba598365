"""The site's URL map: the home page, the admin, and the CPU execution app."""

from django.contrib import admin
from django.urls import include, path

from episodic_site.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("cpu/", include("interp_exec.urls")),
]
