"""Dispatch events: one structlog event per step, and the same dict to each sink.

Sinks (``INTERP_EXEC["EVENT_SINKS"]``, dotted paths resolved late) receive exactly
what the log line carries, so a sink that stores rows (the site's DispatchLog)
and the log can never disagree. A failing sink is logged and skipped: tracing
must never turn a finished job into a failed one.

A sink may also offer ``batch()``, a context manager during which it may hold
what it receives and store it in one go at the end; ``DispatchTracer.batch``
enters every such sink's, so one ``map`` of many jobs writes its rows at once.
"""

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import structlog

type EventSink = Callable[[str, Mapping[str, Any]], None]

DISPATCH = "cpu.dispatch"
FALLBACK = "cpu.fallback"
REFUSED = "cpu.refused"
COMPLETE = "cpu.complete"
FAILED = "cpu.failed"

_logger = structlog.get_logger("interp_exec")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


class DispatchTracer:
    def __init__(self, sinks: Sequence[EventSink] = ()) -> None:
        self._sinks = tuple(sinks)

    def emit(self, event: str, fields: Mapping[str, Any], *, routine: bool = False) -> None:
        """Log and feed the sinks; ``routine`` events log at debug level (sinks get all)."""
        level = "warning" if event in {REFUSED, FAILED} else "debug" if routine else "info"
        if _enabled(level):
            getattr(_logger, level)(event, **fields)
        for sink in self._sinks:
            try:
                sink(event, fields)
            except Exception:
                _logger.exception("cpu.sink_failed", sink=repr(sink), failed_event=event)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Let the sinks that can batch hold their writes until the block ends."""
        with ExitStack() as stack:
            for sink in self._sinks:
                if hasattr(sink, "batch"):
                    stack.enter_context(_guarded_batch(sink))
            yield


def _enabled(level: str) -> bool:
    """Whether the logger takes events of ``level``, where it can tell (structlog's
    filtering and stdlib loggers can): an event it would drop is then not built, which
    was a tenth of a tiny job's cost in the host."""
    is_enabled_for = getattr(_logger, "is_enabled_for", None)
    return is_enabled_for is None or bool(is_enabled_for(_LEVELS[level]))


@contextmanager
def _guarded_batch(sink: Any) -> Iterator[None]:
    """A sink's batch whose failure to store is logged, never raised into the caller."""
    batch = sink.batch()
    batch.__enter__()
    try:
        yield
    except BaseException as exc:
        batch.__exit__(type(exc), exc, exc.__traceback__)
        raise
    try:
        batch.__exit__(None, None, None)
    except Exception:
        _logger.exception("cpu.sink_failed", sink=repr(sink), failed_event="batch")
