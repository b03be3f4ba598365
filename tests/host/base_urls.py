from django.urls import include, path

urlpatterns = [path("cpu/", include("interp_exec.urls"))]
