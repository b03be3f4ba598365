"""Fixtures for the port contract: every adapter, alone and behind the dispatcher."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from episodic_site.workloads import MODULES as SITE_WORKLOADS
from interp_exec.core.adapters.base import ExecutionAdapter
from interp_exec.core.adapters.by_mode import ADAPTER_CLASSES
from interp_exec.core.workloads import load_workload_modules
from tests.event_recorder import RECORDED_EVENTS


@pytest.fixture(autouse=True)
def port_settings() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Route every job to the mode asked for: no size threshold, events recorded."""
    load_workload_modules(SITE_WORKLOADS)
    RECORDED_EVENTS.clear()
    with override_settings(
        INTERP_EXEC={
            "MIN_TASK_SIZE": 0,
            "MAX_WORKERS": 2,
            "MAX_PAYLOAD_BYTES": 5_000_000,
            "TIMEOUT_S": 120,
            # The policy from these settings alone, not the flags: no database here.
            "POLICY_SOURCE": None,
            "EVENT_SINKS": ["tests.event_recorder.record_event"],
        }
    ):
        yield RECORDED_EVENTS


@pytest.fixture(scope="session", params=list(ADAPTER_CLASSES), ids=str)
def bare_adapter(request: pytest.FixtureRequest) -> Iterator[ExecutionAdapter]:
    adapter = ADAPTER_CLASSES[request.param](max_workers=2)
    yield adapter
    adapter.shutdown()
