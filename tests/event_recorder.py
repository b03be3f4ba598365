"""An event sink for tests, named by dotted path in ``INTERP_EXEC["EVENT_SINKS"]``."""

from collections.abc import Mapping
from typing import Any

RECORDED_EVENTS: list[tuple[str, dict[str, Any]]] = []


def record_event(event: str, fields: Mapping[str, Any]) -> None:
    RECORDED_EVENTS.append((event, dict(fields)))
