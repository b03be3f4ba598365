"""Fixtures shared by the whole suite.

The test database is a file (``var/test-db.sqlite3``, see
``episodic_site.backing_services``), not in-memory, so that a real ``qcluster``
subprocess started by an integration test can open it: pass it the path in
``EPISODIC_SQLITE_PATH`` (``settings.DATABASES["default"]["NAME"]`` once the test
database exists).
"""

from collections.abc import Iterator

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Hash test passwords cheaply: PBKDF2 at full strength costs ~0.3 s a hash here."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
