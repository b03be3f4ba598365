"""Site-level pages that belong to no app."""

import platform

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """What the site is, and where to go from here."""
    return render(request, "home.html", {"python_version": platform.python_version()})
