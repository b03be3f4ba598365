"""Refuse form posts that declare a charset other than UTF-8, before anything reads them.

Django only decodes ``application/x-www-form-urlencoded`` bodies as UTF-8: reading
``request.POST`` of one that declares another charset raises ``BadRequest``. When
the CSRF check is the first to read it, Django's 400 and 500 views re-run that
check, read ``request.POST`` again, raise again, and the client gets a bare 500.
Answering here, ahead of the CSRF middleware, keeps it a 400 with a reason.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class RejectNonUtf8FormsMiddleware:
    """Answers 400 to a form-encoded request whose declared charset is not UTF-8."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = request.encoding
        # The same test Django applies when it parses the body (HttpRequest._load_post_and_files).
        if request.content_type == FORM_CONTENT_TYPE and charset and charset.lower() != "utf-8":
            return HttpResponseBadRequest(
                f"Form data must be sent as UTF-8; this request declared charset={charset}.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
