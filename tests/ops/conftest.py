"""The ops suite's metric files go to a directory of its own, and its scrapes read them.

Settings point ``PROMETHEUS_MULTIPROC_DIR`` at ``var/prometheus``, which a
``make run`` on this checkout also writes; this module, imported before any test
records a figure, moves this process (and any qcluster it starts, which inherits
the environment) to a fresh directory, so only this run's figures are summed.
"""

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="episodic-ops-metrics-")

TOKEN = "test-scrape-token-0123456789"

# A cache nothing answers: what the site sees while its Redis is down.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}

type Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def metrics_token(settings: Any) -> Iterator[str]:
    with override_settings(INTERP_EXEC={**settings.INTERP_EXEC, "METRICS_TOKEN": TOKEN}):
        yield TOKEN


def scrape(client: Client) -> Series:
    """Every sample of ``/metrics/``, read with the token, keyed by name and labels."""
    response = client.get("/cpu/metrics/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.content
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(series: Series, name: str, **labels: str) -> float:
    return series.get((name, frozenset(labels.items())), 0.0)


def delta(before: Series, after: Series, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)
