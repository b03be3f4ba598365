"""A real ``manage.py qcluster`` subprocess on the test database.

Shared by the integration and browser suites; each wraps ``running_qcluster``
in a fixture of the scope it needs. The worker opens the same SQLite file as the
tests (``EPISODIC_SQLITE_PATH``) and shares its cache (a table in that file), so
tests must commit what it should see: they run with
``django_db(transaction=True)``. It is stopped with SIGTERM, then whatever is
left of its process group is killed.
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

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
STOP_GRACE_S = 20
# Settings the worker must not inherit from the test process: it runs on the
# embedded default (the SQLite test file and the ORM broker), and it runs no event
# loop, so Django's guard against ORM calls from async code stays on in it.
_NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "Q_BROKER", "DJANGO_ALLOW_ASYNC_UNSAFE"}


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


@contextlib.contextmanager
def running_qcluster(
    log_dir: Path, extra_env: Mapping[str, str] | None = None
) -> Iterator[QCluster]:
    """Start a qcluster with one worker on the test database; stop it on exit.

    Call it once the test database exists (depend on ``django_db_setup``).
    ``extra_env`` adds to the worker's environment, e.g. ``INTERP_EXEC_WORKLOADS``.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the qcluster tests hand the worker a SQLite test database file")
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env.update(
        EPISODIC_SQLITE_PATH=str(database["NAME"]),
        EPISODIC_LOG_FORMAT="json",
        Q_WORKERS="1",
        INTERP_EXEC_MAX_WORKERS="2",
        PYTHONUNBUFFERED="1",
        **(extra_env or {}),
    )
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
