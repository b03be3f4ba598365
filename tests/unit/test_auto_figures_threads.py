"""A process's auto figures under threads: read again while others plan, never torn."""

import threading

import pytest
from django.test import override_settings

from interp_exec.core.domain import ExecutorMode
from interp_exec.core.domain.size_bands import band_of
from interp_exec.routing import auto_figures as figures_module
from interp_exec.routing.auto_figures import AutoFigures, WorkloadFigures
from tests.concurrency import at_once

BAND = band_of(3000)
ALL = tuple(ExecutorMode)


@pytest.mark.parametrize("attempt", range(3))
def test_threads_planning_while_the_figures_expire_all_get_the_favoured_mode(
    monkeypatch: pytest.MonkeyPatch, attempt: int
) -> None:
    reads = []
    lock = threading.Lock()

    def read_figures(workload: str) -> WorkloadFigures:
        """The log's collaborator: interpreters at 12 ms over 2 workers vs inline 10 ms."""
        with lock:
            reads.append(workload)
        return WorkloadFigures(
            log={
                (BAND.index, ExecutorMode.INLINE): [(10.0, 0.0, None)] * 30,
                (BAND.index, ExecutorMode.INTERPRETERS): [(12.0, 0.5, None)] * 30,
            }
        )

    monkeypatch.setattr(figures_module, "read_figures", read_figures)
    holder = AutoFigures()
    chosen: list[ExecutorMode] = []

    def plan_many() -> None:
        mine = [holder.plan("tests.echo", BAND, ALL, 2, "v1").best.mode for _ in range(200)]
        with lock:
            chosen.extend(mine)

    # 0 s: every call finds the figures expired and reads them again.
    with override_settings(INTERP_EXEC={"AUTO_REFRESH_S": 0, "AUTO_MIN_JOBS": 20}):
        at_once(8, plan_many)

    assert chosen == [ExecutorMode.INTERPRETERS] * 1600
    assert len(reads) == 1600
