"""The one table from executor mode to adapter class.

The wiring, the benchmark and the contract tests all build their adapters from
it, so a new mode is added here once and every one of them picks it up; what
differs between modes is each adapter's traits (``ExecutionAdapter``).
"""

from interp_exec.core.adapters.base import ExecutionAdapter
from interp_exec.core.adapters.inline import InlineAdapter
from interp_exec.core.adapters.interpreters import InterpreterPoolAdapter
from interp_exec.core.adapters.processes import ProcessPoolAdapter
from interp_exec.core.domain import ExecutorMode

ADAPTER_CLASSES: dict[ExecutorMode, type[ExecutionAdapter]] = {
    adapter.mode: adapter for adapter in (InlineAdapter, InterpreterPoolAdapter, ProcessPoolAdapter)
}


def runs_in_caller(mode: ExecutorMode) -> bool:
    """Whether ``mode`` runs jobs in the calling thread, with no pool (``ExecutionAdapter``)."""
    return ADAPTER_CLASSES[mode].runs_in_caller
