"""The API's JSON parser: reads a request body up to a limit, as a stream, and refuses
every body it cannot read cleanly with a JSON 4xx naming the problem.

REST framework hands its own ``JSONParser`` a copy of ``request.body``, read whole,
where Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` applies: a larger body was Django's
400 page whatever ``API_MAX_BODY_BYTES`` said, and a smaller limit was enforced
only after the whole body was in memory. This parser is not a ``JSONParser``, so
REST framework hands it the request's stream, and::

    Content-Type charset other than UTF-8 ----------------------> 415
    Content-Length, or the bytes read, over the body limit -----> 413 (reads limit + 1)
    bytes that are not UTF-8 -----------------------------------> 400, the offset
    nested deeper than a stored payload may be (plus the request's
      own object), measured on the text before it is parsed -----> 400
    not JSON (NaN and Infinity included, numbers out of range) --> 400
    a lone surrogate escape anywhere (keys and values) ---------> 400
    -> the decoded body, every string of it valid Unicode

The depth is checked first so that the decoder, which recurses, only ever sees
bodies it can follow (``interp_exec.core.domain.json_text``).
"""

import codecs
import json
import math
from typing import Any

from django.utils.http import parse_header_parameters
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, UnsupportedMediaType
from rest_framework.parsers import BaseParser

from interp_exec.core import conf
from interp_exec.core.domain.json_text import MAX_PAYLOAD_DEPTH, deeper_than, json_not_unicode

_READ_PIECE = 1 << 16


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


class JobRequestParser(BaseParser):
    """``application/json`` in UTF-8, read and checked as the module says."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        _check_charset(str(media_type or ""))
        limit = body_limit()
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH", "") if request is not None else ""
        if str(declared).isdigit() and int(declared) > limit:
            raise _too_large(limit)
        body = _read_at_most(stream, limit + 1)
        if len(body) > limit:
            raise _too_large(limit)
        return _decode(body)


def _check_charset(media_type: str) -> None:
    charset = parse_header_parameters(media_type)[1].get("charset")
    if charset is None:
        return
    try:
        known = codecs.lookup(charset).name
    except LookupError:
        known = ""
    if known != "utf-8":
        raise UnsupportedMediaType(
            media_type,
            detail=f"the body must be JSON in UTF-8; this request declared charset={charset}",
        )


def _too_large(limit: int) -> RequestTooLarge:
    return RequestTooLarge(f"the request body is over {limit:,} bytes, more than any job may carry")


def _read_at_most(stream: Any, size: int) -> bytes:
    """Up to ``size`` bytes of ``stream``; fewer only at its end."""
    pieces: list[bytes] = []
    left = size
    while left > 0:
        piece = stream.read(min(left, _READ_PIECE))
        if not piece:
            break
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)


def _decode(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"the body is not UTF-8 text: byte {body[exc.start]:#04x} at offset {exc.start:,} "
            "cannot be read"
        ) from None
    # A payload as deep as a job's may be, inside the request's own object.
    most = MAX_PAYLOAD_DEPTH + 1
    if depth := deeper_than(text, most):
        raise ParseError(
            f"the body nests lists or objects {depth:,} deep; a job's payload may nest "
            f"{most - 1:,} deep, inside the request's object"
        )
    try:
        data = json.loads(text, parse_constant=_not_json, parse_float=_finite_float)
    except ValueError as exc:
        raise ParseError(f"the body is not JSON: {exc}") from None
    if problem := json_not_unicode(text, data):
        raise ParseError(f"the body's text is not Unicode: {problem}")
    return data


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of a float's range")
    return value
