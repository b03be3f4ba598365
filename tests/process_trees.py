"""Processes a test watches end: a dead process's pool must not outlive it."""

import time
from collections.abc import Callable

import psutil

GONE_WITHIN_S = 30


def running(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie has ended: only its exit status is left)."""
    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.NoSuchProcess:
            continue
    return alive


def still_running_after(
    watched: Callable[[], set[int]], timeout_s: float = GONE_WITHIN_S
) -> set[int]:
    """Wait up to ``timeout_s`` for the processes ``watched()`` names to end; those of
    them still running then. ``watched`` is asked again each time: the set may shrink."""
    deadline = time.monotonic() + timeout_s
    while (alive := running(watched())) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive
