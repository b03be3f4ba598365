"""Throwaway PostgreSQL and Redis servers of a test's own, on free ports.

A test that stops a server to watch what breaks must not stop the one the rest
of the session runs on. These are the same Debian binaries, started in a
directory of their own and stopped when the test ends; each can be stopped and
started again on its port, as an outage and a recovery.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

START_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def accepts(port: int) -> bool:
    with socket.socket() as client:
        return client.connect_ex(("127.0.0.1", port)) == 0


def wait_until_accepting(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not accepts(port):
        assert process is None or process.poll() is None, "the server exited"
        assert time.monotonic() < deadline, f"nothing accepts on port {port}"
        time.sleep(0.05)


class PrivateRedis:
    """A redis-server that keeps nothing on disk."""

    def __init__(self, directory: Path) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("redis-server is not installed")
        self._args = [server, "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)]
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [*self._args, "--port", str(self.port)]
        self._process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        wait_until_accepting(self.port, self._process)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None


@contextlib.contextmanager
def private_redis(directory: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class PrivatePostgres:
    """A PostgreSQL cluster made by ``initdb`` (trust authentication, user postgres).

    PostgreSQL refuses to run as root, so under root its directory belongs to the
    ``postgres`` user and its commands run as that user. The directory is made
    outside the test's own temporary folder, which other users cannot enter.
    """

    def __init__(self) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            pytest.skip("PostgreSQL's server binaries are not installed")
        self._bin = Path(binaries[-1]).parent
        self._as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.directory = Path(tempfile.mkdtemp(prefix="episodic-pg-"))
        if self._as_user:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")
        wait_until_accepting(self.port)

    def stop(self) -> None:
        """An outage: connections are cut at once, as when the server crashes."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _run(self, command: str, *args: str, check: bool = True) -> None:
        subprocess.run(
            [*self._as_user, str(self._bin / command), *args],
            check=check,
            capture_output=True,
            timeout=START_TIMEOUT_S * 2,
        )


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()
