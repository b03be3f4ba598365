"""A real ``manage.py qcluster`` subprocess on the test database.

Shared by the integration, browser and services suites; each wraps
``running_qcluster`` in a fixture of the scope it needs. The worker opens the
same database as the tests: on the embedded default the SQLite test file
(``EPISODIC_SQLITE_PATH``), whose cache table it shares; in a services session
(``tests/services``) the server's test database through ``DATABASE_URL``, with
the session's Redis and broker. Tests must commit what it should see: they run
with ``django_db(transaction=True)``. It is stopped with SIGTERM, then whatever
is left of its process group is killed.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
STOP_GRACE_S = 20
# How long the test workers act on their snapshot of the flags (INTERP_EXEC_FLAG_REFRESH_S):
# shorter than the site's default, so a test waits out less of it.
FLAG_REFRESH_S = 0.2
SQLITE_ENGINE = "django.db.backends.sqlite3"
# The worker runs no event loop, so Django's guard against ORM calls from async
# code stays on in it.
_NOT_INHERITED = {"DJANGO_ALLOW_ASYNC_UNSAFE"}
# Passed on only in a services session; on SQLite the worker uses the embedded
# default (the test file's cache table, the ORM broker) as the tests do.
_SERVICES = ("REDIS_URL", "Q_BROKER")


@dataclass
class QCluster:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"qcluster exited with {self.process.returncode}:\n{self.log()}")

    def wait_for_log(self, text: str, timeout_s: float = 60, count: int = 1) -> None:
        """Wait until ``text`` is logged ``count`` times (e.g. once per worker)."""
        deadline = time.monotonic() + timeout_s
        while self.log().count(text) < count:
            self.assert_alive()
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} not logged {count}x within {timeout_s} s:\n{self.log()}")
            time.sleep(0.2)

    def pids(self) -> set[int]:
        """The cluster's process and all its descendants (workers, monitor, pusher)."""
        try:
            root = psutil.Process(self.process.pid)
            return {root.pid, *(child.pid for child in root.children(recursive=True))}
        except psutil.NoSuchProcess:
            return set()

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a crashed host would go."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_GRACE_S)


@contextlib.contextmanager
def running_qcluster(
    log_dir: Path, extra_env: Mapping[str, str] | None = None
) -> Iterator[QCluster]:
    """Start a qcluster with one worker on the test database; stop it on exit.

    Call it once the test database exists (depend on ``django_db_setup``).
    ``extra_env`` adds to or overrides the worker's environment, e.g.
    ``INTERP_EXEC_WORKLOADS`` or ``Q_WORKERS``.
    """
    env = worker_env(extra_env or {})
    log_path = log_dir / "qcluster.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers stop with it
        )
    try:
        yield QCluster(process, log_path)
    finally:
        stop(process)


def worker_env(extra_env: Mapping[str, str]) -> dict[str, str]:
    """The test process's environment, pointed at the test database, plus ``extra_env``."""
    database = settings.DATABASES["default"]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _NOT_INHERITED and key not in _SERVICES and key != "DATABASE_URL"
    }
    if database["ENGINE"] == SQLITE_ENGINE:
        env["EPISODIC_SQLITE_PATH"] = str(database["NAME"])
    else:
        env["DATABASE_URL"] = database_url(database)
        env.update({key: os.environ[key] for key in _SERVICES if key in os.environ})
    env.update(
        EPISODIC_LOG_FORMAT="json",
        Q_WORKERS="1",
        INTERP_EXEC_MAX_WORKERS="2",
        INTERP_EXEC_FLAG_REFRESH_S=str(FLAG_REFRESH_S),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra_env)
    return env


def wait_out_flag_refresh() -> None:
    """After a committed flag change: a job started from now on is routed by it.

    A worker checks for a change at most ``FLAG_REFRESH_S`` after it last checked,
    so any job it starts that long after the change was committed sees it: this
    waits for the documented bound, not for a guess.
    """
    time.sleep(FLAG_REFRESH_S)


def database_url(database: dict[str, Any]) -> str:
    """A PostgreSQL ``DATABASES`` entry (the test database once it exists) as a URL."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail(
            f"a qcluster for the tests runs on SQLite or PostgreSQL, not {database['ENGINE']}"
        )
    password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
    user = quote(database.get("USER") or "", safe="")
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{quote(database['NAME'], safe='')}"


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
