"""Fixtures shared by the whole suite.

The test database is a file (``var/test-db.sqlite3``, see
``episodic_site.backing_services``), not in-memory, so that a real ``qcluster``
subprocess started by an integration test can open it: pass it the path in
``EPISODIC_SQLITE_PATH`` (``settings.DATABASES["default"]["NAME"]`` once the test
database exists).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

import tests.workload_fixtures  # noqa: F401 - registers the tests.* workloads for every suite
from interp_exec.core.workloads import load_configured_workloads
from interp_exec.routing.flag_snapshot import forget_flags
from tests.bench.figures import fake_harness  # noqa: F401 - a fixture of the bench and guard suites

TESTS = Path(__file__).resolve().parent
# Suites whose every test talks to the database (through the client, the admin,
# the task queue or a qcluster); elsewhere only the tests that ask for it do.
_DATABASE_SUITES = frozenset(
    {
        "web",
        "flags",
        "auto",
        "task_queue",
        "task_backend",
        "fuzz",
        "integration",
        "services",
        "e2e",
        "ops",
    }
)
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server"})


@pytest.fixture(autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Hash test passwords cheaply: PBKDF2 at full strength costs ~0.3 s a hash here."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def empty_cache(db: None) -> Iterator[None]:
    """Start and end with an empty site cache and no flag snapshot, with every
    workload registered.

    The cache is a database table that a transactional test's flush does not
    empty, and a test's rollback sends no signal, so a flag cached or kept in the
    process's snapshot by one test would otherwise leak into the next.
    """
    load_configured_workloads()
    cache.clear()
    forget_flags()
    yield
    cache.clear()
    forget_flags()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of the database suites: pytest-django sets up the test database
    only for the tests that it sees asking for one before they run."""
    for item in items:
        suite = item.path.relative_to(TESTS).parts[0]
        if suite in _DATABASE_SUITES and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(autouse=True)
def fresh_cache(request: pytest.FixtureRequest) -> None:
    """Every test that uses the database starts with ``empty_cache``."""
    if request.node.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(
        request.fixturenames
    ):
        request.getfixturevalue("empty_cache")


# What runs each suite that skips here, for the line that says so.
_HOW_TO_RUN = {
    "services": "make test-services",
    "host": "make test-host",
    "e2e": "bash scripts/ensure-chromium.sh, then make test",
    "audio": "bash scripts/ensure-audio-tools.sh, then make test",
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line naming the suites that skipped tests, and what runs them: a run that
    passes by skipping whole suites says so."""
    skipped: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        path = Path(str(report.fspath)).resolve()
        if path.is_relative_to(TESTS):
            suite = path.relative_to(TESTS).parts[0]
            skipped[suite] = skipped.get(suite, 0) + 1
    if skipped:
        terminalreporter.write_line(
            "skipped suites: "
            + "; ".join(
                f"tests/{suite} ({count}: {_HOW_TO_RUN.get(suite, 'see its conftest')})"
                for suite, count in sorted(skipped.items())
            )
        )
