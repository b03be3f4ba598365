"""A real ``qcluster`` subprocess on the test database, for the whole module.

The worker opens the same SQLite file as the tests (``EPISODIC_SQLITE_PATH``)
and shares its cache (a table in that file), so tests must commit what it should
see: they run with ``django_db(transaction=True)``. It is stopped with SIGTERM,
then whatever is left of its process group is killed.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.flag_helpers import empty_cache

__all__ = ["empty_cache"]

ROOT = Path(__file__).resolve().parents[2]
STOP_GRACE_S = 20


@dataclass
class QCluster:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"qcluster exited with {self.process.returncode}:\n{self.log()}")

    def wait_for_log(self, text: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while text not in self.log():
            self.assert_alive()
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} not logged within {timeout_s} s:\n{self.log()}")
            time.sleep(0.2)


@pytest.fixture(autouse=True)
def fresh_cache(empty_cache: None) -> None:
    """Every test here starts with an empty cache (see ``empty_cache``)."""


@pytest.fixture(scope="module")
def qcluster(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[QCluster]:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the qcluster tests hand the worker a SQLite test database file")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "Q_BROKER"}
    }
    env.update(
        EPISODIC_SQLITE_PATH=str(database["NAME"]),
        EPISODIC_LOG_FORMAT="json",
        Q_WORKERS="1",
        INTERP_EXEC_MAX_WORKERS="2",
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path_factory.mktemp("qcluster") / "qcluster.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers stop with it
        )
    cluster = QCluster(process, log_path)
    try:
        yield cluster
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        # The cluster stops its own workers on SIGTERM.
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_GRACE_S)
    # Whatever is left in its group (a hung worker, a pool's forkserver) is killed.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_GRACE_S)
