"""One log pipeline for structlog events and standard-library log records.

Our code logs through structlog (``structlog.get_logger(__name__).info("event",
key=value)``); Django, django-q2 and other libraries log through ``logging``.
Both end in one handler on stderr whose ``ProcessorFormatter`` runs the same
processors over either kind, so every line has the same shape: an ISO timestamp,
the level, the logger name, the event and its fields. The shape is coloured
console text for a person at a terminal and one JSON object per line otherwise,
for whatever collects the logs.
"""

import sys
from typing import Any

import structlog
from structlog.typing import Processor

# "auto": console text when stderr is a terminal, JSON lines otherwise.
LOG_FORMATS = ("auto", "console", "json")

# Applied to every entry, whichever library emitted it.
_SHARED_PROCESSORS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
]


def configure_logging(level: str, log_format: str) -> dict[str, Any]:
    """Configure structlog and return the matching ``LOGGING`` dict for Django.

    ``level`` is a standard level name; ``log_format`` is one of ``LOG_FORMATS``.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log_format must be one of {LOG_FORMATS}, not {log_format!r}")
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            *_SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    console = log_format == "console" or (log_format == "auto" and sys.stderr.isatty())
    render: list[Processor] = (
        [structlog.dev.ConsoleRenderer()]
        if console
        else [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    )
    handler = {"class": "logging.StreamHandler", "formatter": "structlog"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structlog": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": _SHARED_PROCESSORS,
                "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
            }
        },
        "handlers": {"stderr": handler},
        "root": {"handlers": ["stderr"], "level": level},
        # Django's default config gives these two loggers handlers of their own
        # (which would print some lines twice); route them through ours alone.
        "loggers": {
            name: {"handlers": ["stderr"], "level": level, "propagate": False}
            for name in ("django", "django.server")
        },
    }
