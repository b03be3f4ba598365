"""The API's throttle: ``INTERP_EXEC["API_RATE"]`` requests per person, counted atomically.

REST framework's ``SimpleRateThrottle`` parses the rate and names the caller; the
count is ``request_counts``', one atomic increment per request, so a burst from
many threads at once lets through at most the rate, where REST framework's own
history (read, appended to, written back) let through every request that read it
at the same time.
"""

import time
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from interp_exec.contrib.api.request_counts import count_request
from interp_exec.core import conf


class PersonRateThrottle(SimpleRateThrottle):
    """Requests one person may make (polls included); by address before sign-in."""

    def get_rate(self) -> str:
        rate: str = conf.get_setting("API_RATE")
        return rate

    def allow_request(self, request: Request, view: Any) -> bool:
        allowed, window_s = self.parse_rate(self.get_rate())
        assert allowed is not None
        assert window_s is not None  # a rate is always given (API_RATE has a default)
        if request.user.is_authenticated:
            caller = f"user:{request.user.pk}"
        else:
            caller = f"address:{self.get_ident(request)}"
        hit = count_request(f"interp_exec:api:{caller}", window_s)
        self._window_ends = hit.window_ends
        return hit.count <= allowed

    def wait(self) -> float:
        """Seconds until the caller's window ends and their count starts again."""
        return max(self._window_ends - time.time(), 0.0)
