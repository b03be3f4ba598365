"""Fixtures for the Django-facing side: flags, jobs, views and admin pages."""

import pytest

import tests.workload_fixtures  # noqa: F401 - registers the tests.* workloads
from tests.flag_helpers import empty_cache

__all__ = ["empty_cache"]


@pytest.fixture(autouse=True)
def fresh_cache(empty_cache: None) -> None:
    """Every test here starts with an empty cache (see ``empty_cache``)."""
