"""The subinterpreter pool's own contract: results and errors come back on futures,
a slot that cannot start breaks the pool, shutdown stops what has not started.

Each function sent here uses no globals, so an interpreter runs it as code without
importing this module (a test's ``sys.path`` addition is not an interpreter's).
"""

import threading
import time
from concurrent.futures import CancelledError, Future
from concurrent.interpreters import ExecutionFailed

import pytest

from interp_exec.core.adapters.interpreter_pool import BrokenInterpreterPool, InterpreterPool


def double(n: int) -> int:
    return n * 2


def fail(message: str) -> None:
    raise KeyError(message)


def sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def test_results_and_errors_come_back_on_the_futures() -> None:
    pool = InterpreterPool(2, thread_name_prefix="test-pool")
    try:
        assert [f.result() for f in [pool.submit(double, n) for n in range(4)]] == [0, 2, 4, 6]
        error = pool.submit(fail, "boom").exception()
        assert isinstance(error, ExecutionFailed)
        assert (error.excinfo.type.__name__, error.excinfo.msg) == ("KeyError", "'boom'")
        assert "test-pool_0" in {t.name for t in threading.enumerate()}
    finally:
        pool.shutdown()
    assert not any(t.name.startswith("test-pool") for t in threading.enumerate())


def test_a_slot_that_cannot_start_breaks_the_pool() -> None:
    pool = InterpreterPool(1, initializer=fail, initargs=("no start",))
    try:
        queued: Future[int] = pool.submit(double, 1)
        with pytest.raises(BrokenInterpreterPool, match="could not start"):
            queued.result(timeout=10)
        with pytest.raises(BrokenInterpreterPool):
            pool.submit(double, 1)
    finally:
        pool.shutdown()


def test_shutdown_cancels_the_queued_jobs_and_refuses_new_ones() -> None:
    pool = InterpreterPool(1)
    running = pool.submit(sleep, 0.3)
    queued = pool.submit(double, 1)
    deadline = time.monotonic() + 10
    while not running.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    pool.shutdown(wait=False, cancel_futures=True)
    with pytest.raises(CancelledError):
        queued.result()
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(double, 1)
    assert running.result(timeout=10) is None
    pool.shutdown(wait=True)
