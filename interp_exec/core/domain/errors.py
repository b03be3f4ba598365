"""One family of errors; each message says what was wrong and what to do."""


class InterpExecError(Exception):
    """Base of every error this app raises on purpose."""


class UnknownExecutorMode(InterpExecError, ValueError):
    """A mode name that is not one of ``ExecutorMode``."""


class UnknownWorkload(InterpExecError, LookupError):
    """A job named a workload that no loaded module registered."""


class InvalidJob(InterpExecError, ValueError):
    """A job whose size or payload cannot be run by any adapter."""


class PayloadTooLarge(InvalidJob):
    """A payload above the policy's ``max_payload_bytes``."""


class WorkloadRegistrationError(InterpExecError):
    """A workload module could not be imported, or registered a name twice."""
