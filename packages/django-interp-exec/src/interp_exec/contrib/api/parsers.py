"""A JSON parser that reads a request body only up to a limit.

REST framework's own parser reads the whole body, whatever its size, and
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not apply to it (the body is read
as a stream). This one reads at most the limit and one byte more, and answers
413 past it: a job's payload cannot be larger than its workload's
``max_payload_bytes`` anyway, and the request's envelope is small.
"""

import io
from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser

from interp_exec.core import conf


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def body_limit() -> int:
    """Bytes an API request may send (``INTERP_EXEC["API_MAX_BODY_BYTES"]``; None: twice
    the payload limit, room for a pretty-printed payload and the request around it)."""
    limit = conf.get_setting("API_MAX_BODY_BYTES")
    if limit is None:
        return 2 * int(conf.get_setting("MAX_PAYLOAD_BYTES"))
    return int(limit)


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = body_limit()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(
                f"the request body is over {limit:,} bytes, more than any job may carry"
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)
