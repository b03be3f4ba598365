from django.urls import URLPattern, URLResolver

app_name = "interp_exec"

urlpatterns: list[URLPattern | URLResolver] = []
