"""The JSON API as a program uses it: a token of the person's, and what a request left."""

from django.contrib.auth.models import User
from django_q.models import OrmQ
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from interp_exec.models import CpuJobPayload, CpuJobRecord

JOBS = "/cpu/api/jobs/"


def client_with_token(user: User, **options: bool) -> APIClient:
    """An API client that sends ``user``'s (new) token; ``options`` go to ``APIClient``."""
    token = Token.objects.create(user=user)
    api = APIClient(**options)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def counts() -> tuple[int, int, int]:
    """Job records, stored payloads and queued tasks: (0, 0, 0) when nothing was stored."""
    return CpuJobRecord.objects.count(), CpuJobPayload.objects.count(), OrmQ.objects.count()
