from enum import StrEnum

from interp_exec.core.domain.errors import UnknownExecutorMode


class ExecutorMode(StrEnum):
    """Where a job runs. Stored as these strings in flags, logs and outcomes."""

    INLINE = "inline"
    INTERPRETERS = "interpreters"
    PROCESSES = "processes"

    @classmethod
    def parse(cls, value: str) -> ExecutorMode:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise UnknownExecutorMode(
                f"unknown executor mode {value!r}; use one of: {choices}"
            ) from None


# The order modes are listed in, wherever they are (charts, tables, comparisons).
MODE_ORDER = tuple(mode.value for mode in ExecutorMode)

# A flag's mode that is no place to run: per job, auto chooses one of the
# ExecutorMode values from measurements (``auto_choice``). It is kept out of the
# enum because adapters, pools and benchmarks exist for real places only.
AUTO = "auto"
FLAG_MODES = (*(mode.value for mode in ExecutorMode), AUTO)
