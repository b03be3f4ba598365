"""Subinterpreter jobs abandoned after their timeout, counted per process.

A running subinterpreter cannot be stopped: a timed-out job's pool is replaced
and its thread keeps a core busy until the job ends on its own. Past
``MAX_ABANDONED_INTERPRETERS`` such threads still running, this process sends no
new job to subinterpreters (the capability probe routes them to the fallback,
the interpreters adapter refuses them), so a run of stuck jobs cannot take every
core. The process does not retire instead: its exit would wait for those threads.
The count is reported to the pool observers as it goes up and as each job ends.
"""

import threading
from concurrent.futures import Future
from typing import Any

import structlog

from interp_exec.core import conf
from interp_exec.core.adapters.pool_observers import report_abandoned_interpreters

_logger = structlog.get_logger("interp_exec")
_lock = threading.Lock()
_abandoned: set[Future[Any]] = set()


def abandon(future: Future[Any]) -> None:
    """Count the stuck job's thread until its future is done; warn once over the cap."""
    with _lock:
        _abandoned.add(future)
    future.add_done_callback(_report_count)
    count = still_running()
    report_abandoned_interpreters(count)
    limit = conf.get_setting("MAX_ABANDONED_INTERPRETERS")
    if limit is not None and count >= limit:
        _logger.warning(
            "cpu.interpreters_abandoned",
            count=count,
            limit=limit,
            action="no new jobs go to subinterpreters in this process until they finish",
        )


def _report_count(_: Future[Any]) -> None:
    report_abandoned_interpreters(still_running())


def still_running() -> int:
    with _lock:
        _abandoned.difference_update([f for f in _abandoned if f.done()])
        return len(_abandoned)


def saturation() -> str:
    """Why this process takes no more subinterpreter jobs now; empty while it does."""
    limit = conf.get_setting("MAX_ABANDONED_INTERPRETERS")
    if limit is None:
        return ""
    # Every job asks, twice (its route, its submission): with none abandoned, the
    # usual case, the answer needs no lock.
    if (count := still_running() if _abandoned else 0) < limit:
        return ""
    return (
        f"{count} subinterpreter jobs abandoned after their timeout are still running in "
        f"this process (MAX_ABANDONED_INTERPRETERS is {limit}); new jobs go elsewhere "
        "until they finish"
    )
