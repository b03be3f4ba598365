"""Fixtures for the Django-facing side: flags, jobs, views and admin pages.

The site's cache is a database table that a transactional test's flush does not
empty, so a flag cached by one test could leak into the next: each test here
starts and ends with an empty cache.
"""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

import tests.workload_fixtures  # noqa: F401 - registers the tests.* workloads
from interp_exec.queueing import registered_workloads


@pytest.fixture(autouse=True)
def empty_cache(db: None) -> Iterator[None]:
    registered_workloads()
    cache.clear()
    yield
    cache.clear()
