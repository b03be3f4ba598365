"""Who is told how loaded this process's pools are, without the core knowing who.

The core runs in subinterpreters and scripts with no Django and no Prometheus, so
it cannot record metrics itself; the site registers an observer at start-up
(``interp_exec.telemetry.process_load``) and the pool adapters and ``abandoned`` report
to every registered one. With none registered a report costs one empty loop.
An observer must be cheap and must not raise: it runs on every job's path.
"""

from typing import Protocol


class PoolObserver(Protocol):
    def pool_load(self, pool_id: int, mode: str, size: int, busy: int) -> None:
        """Pool ``pool_id`` (of ``mode``, in this process) has ``size`` workers, ``busy`` of
        them running a job; a pool shut down reports size 0, and later its jobs still
        running until none is."""

    def abandoned_interpreters(self, running: int) -> None:
        """``running`` subinterpreter jobs abandoned after their timeout still run here."""


_observers: list[PoolObserver] = []


def add_pool_observer(observer: PoolObserver) -> None:
    if observer not in _observers:
        _observers.append(observer)


def report_pool_load(pool_id: int, mode: str, size: int, busy: int) -> None:
    for observer in _observers:
        observer.pool_load(pool_id, mode, size, busy)


def report_abandoned_interpreters(running: int) -> None:
    for observer in _observers:
        observer.abandoned_interpreters(running)
