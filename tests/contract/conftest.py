"""Fixtures for the port contract: every adapter, alone and behind the dispatcher."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

import tests.workload_fixtures  # noqa: F401 - registers the tests.* workloads
from interp_exec.core.adapters.base import ExecutionAdapter
from interp_exec.core.adapters.inline import InlineAdapter
from interp_exec.core.adapters.interpreters import InterpreterPoolAdapter
from interp_exec.core.adapters.processes import ProcessPoolAdapter
from interp_exec.core.domain import ExecutorMode
from interp_exec.core.workloads import load_workload_modules
from tests.event_recorder import RECORDED_EVENTS

ADAPTERS: dict[ExecutorMode, type[ExecutionAdapter]] = {
    ExecutorMode.INLINE: InlineAdapter,
    ExecutorMode.INTERPRETERS: InterpreterPoolAdapter,
    ExecutorMode.PROCESSES: ProcessPoolAdapter,
}


@pytest.fixture(autouse=True)
def port_settings() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Route every job to the mode asked for: no size threshold, events recorded."""
    load_workload_modules()
    RECORDED_EVENTS.clear()
    with override_settings(
        INTERP_EXEC={
            "MIN_TASK_SIZE": 0,
            "MAX_WORKERS": 2,
            "MAX_PAYLOAD_BYTES": 5_000_000,
            "TIMEOUT_S": 120,
            "EVENT_SINKS": ["tests.event_recorder.record_event"],
        }
    ):
        yield RECORDED_EVENTS


@pytest.fixture(scope="session", params=list(ADAPTERS), ids=str)
def bare_adapter(request: pytest.FixtureRequest) -> Iterator[ExecutionAdapter]:
    adapter = ADAPTERS[request.param](max_workers=2)
    yield adapter
    adapter.shutdown()
