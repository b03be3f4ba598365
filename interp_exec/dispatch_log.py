"""The Django-side event sink that keeps one ``DispatchLog`` row per dispatch.

It receives the very dict the structlog event carries (see ``tracing``), so the
log line and the row cannot disagree. Only final events make rows: one per job.
"""

from collections.abc import Mapping
from typing import Any

from interp_exec import tracing
from interp_exec.models import DispatchLog

_FINAL_EVENTS = frozenset({tracing.COMPLETE, tracing.FAILED, tracing.REFUSED})
_COLUMNS = frozenset(
    f.name for f in DispatchLog._meta.get_fields() if f.name not in {"id", "created_at"}
)


def record_dispatch_event(event: str, fields: Mapping[str, Any]) -> None:
    if event not in _FINAL_EVENTS:
        return
    values = {k: v for k, v in fields.items() if k in _COLUMNS and v is not None}
    DispatchLog.objects.update_or_create(dispatch_id=fields["dispatch_id"], defaults=values)
