"""JSON errors on the API's paths, whichever layer refused the request.

REST framework answers its own errors as JSON, but some requests never reach it:
Django refuses a Host header outside ``ALLOWED_HOSTS``, a middleware refuses a
body, a path matches no view (404), a view fails (500). Django answers those
with its error pages, in HTML, which a program calling the API cannot read. This
middleware, first in ``MIDDLEWARE``, answers every such error under the API's
prefix (``reverse("interp_exec:api:api-root")``) as ``{"detail": "..."}`` with the
same status and headers: a plain-text answer's own words, else a sentence for its
status. REST framework's own responses (JSON, or the browsable API a browser asked
for) pass as they are, and so does every other path.

The Host header is checked here first, by Django's own ``get_host``, so that its
refusal can name the problem; the layers after this one would refuse it the same.
"""

from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from rest_framework.response import Response

_DETAILS = {
    400: "the request could not be read (Django refused it before the API saw it)",
    403: "the request is not allowed",
    404: "no API resource at this path",
    405: "this method is not allowed here",
    413: "the request body is too large",
    500: "the server failed while answering; the error is logged",
}
_NOT_COPIED = frozenset({"content-type", "content-length"})


class ApiErrorsAsJson:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_api_prefix()):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost:
            return JsonResponse(
                {"detail": "the Host header names a host this site does not serve"}, status=400
            )
        response = self.get_response(request)
        if response.status_code < 400 or isinstance(response, Response):
            return response
        answer = JsonResponse({"detail": _detail(response)}, status=response.status_code)
        for header, value in response.headers.items():
            if header.lower() not in _NOT_COPIED:
                answer.headers[header] = value
        return answer


def _detail(response: HttpResponse) -> str:
    """What went wrong: a plain-text answer says it (a middleware's refusal), an HTML
    page is for people, so its status is put in a sentence instead."""
    if response.get("Content-Type", "").startswith("text/plain") and not response.streaming:
        return response.content.decode(response.charset or "utf-8", errors="replace").strip()
    status = response.status_code
    return _DETAILS.get(status, response.reason_phrase.lower())


def _api_prefix() -> str:
    """The path the API's URLs start with; a path nothing starts with when the API's
    URLs are not included."""
    try:
        return reverse("interp_exec:api:api-root")
    except NoReverseMatch:
        return "\0"
