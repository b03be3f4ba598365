"""One family of errors; each message says what was wrong and what to do."""

import reprlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# What an error message shows of a bad value: enough to recognise it, never a
# megabyte of it, and never an error of its own (a deep list, a huge int).
_SHOWN = reprlib.Repr(maxlevel=3, maxstring=60, maxother=60, maxlong=40)


class InterpExecError(Exception):
    """Base of every error this app raises on purpose."""


def shown(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"a whole number of {value.bit_length()} bits"
    try:
        return _SHOWN.repr(value)
    except Exception:
        return f"a {type(value).__name__}"


class UnknownExecutorMode(InterpExecError, ValueError):
    """A mode name that is not one of ``ExecutorMode``."""


class UnknownWorkload(InterpExecError, LookupError):
    """A job named a workload that no loaded module registered."""


class InvalidJob(InterpExecError, ValueError):
    """A job whose size or payload cannot be run by any adapter."""


class PayloadTooLarge(InvalidJob):
    """A payload above the policy's ``max_payload_bytes``."""


class InvalidInput(InvalidJob):
    """A person's own input (an upload, pasted text) that cannot become a payload:
    a corrupt file, an unsupported encoding. The message names the problem."""


class IsolationUnavailable(InterpExecError):
    """An isolated (untrusted) workload's job while processes are turned off."""


class QueueLimitReached(InterpExecError):
    """A user who already has ``MAX_QUEUED_PER_USER`` jobs queued or running."""


class WorkloadRegistrationError(InterpExecError):
    """A workload module could not be imported, or registered a name twice."""
