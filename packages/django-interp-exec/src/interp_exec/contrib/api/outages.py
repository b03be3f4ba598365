"""The API's answer while the database, the cache or the broker is down: JSON 503.

REST framework answers its own errors and re-raises every other one, which Django
turns into an HTML 500: a token check that cannot reach the database, or a
throttle that cannot reach its cache, would answer that. The viewset's exception
handler answers such an outage (``interp_exec.ops.outages.failing_part``) with
``503 {"detail": "the cache is unavailable; ...", "unavailable": "cache"}``, in
JSON whatever the client negotiated: the browsable API's page would need the
database itself (its sign-in menu). Every other error goes to REST framework's own
handler.
"""

from typing import Any

from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from interp_exec.ops.outages import failing_part, log_outage, unavailable_sentence


def answer_outages(error: Exception, context: dict[str, Any]) -> Response | None:
    part = failing_part(error)
    if part is None:
        return exception_handler(error, context)
    request = context["request"]
    log_outage(part, request.path, error)
    request.accepted_renderer = JSONRenderer()
    request.accepted_media_type = JSONRenderer.media_type
    return Response({"detail": unavailable_sentence(part), "unavailable": part}, status=503)
