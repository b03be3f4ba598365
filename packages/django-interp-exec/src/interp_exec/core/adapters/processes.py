"""Child processes: ``ProcessPoolExecutor`` on the ``forkserver`` start method.

The fallback for workloads that cannot run in a subinterpreter, and the
comparison a user would otherwise pick. Unlike a subinterpreter, a stuck child
can be killed: the pool is killed and replaced, and jobs that were running
beside the stuck one are run again on the new pool. A job whose process died
while it ran alone (``os._exit``, a crash) fails with that reason and is not run
again: it is what ended the process (``pool._MAX_RESUBMITS``). A child ends when
the process that made its pool dies (``owner_watch``): a dead queue worker leaves
no pool behind.
"""

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from interp_exec.core.adapters.owner_watch import end_with
from interp_exec.core.adapters.pool import PoolAdapter
from interp_exec.core.adapters.worker import WorkerReply, prepare_worker
from interp_exec.core.domain import ExecutorMode


def start_child(owner_pid: int, sys_path: Sequence[str], modules: Sequence[str]) -> None:
    """Each child's initializer: it ends with the process that made its pool
    (``owner_watch``), then prepares as every worker does."""
    end_with(owner_pid)
    prepare_worker(sys_path, modules)


class ProcessPoolAdapter(PoolAdapter):
    mode = ExecutorMode.PROCESSES
    uses_forkserver = True
    abandon_note = "its worker process was killed and the pool replaced"

    def _new_executor(self, initargs: tuple[tuple[str, ...], tuple[str, ...]]) -> Executor:
        # forkserver, not fork: the host has threads (web server, pools) that a
        # forked child would inherit in whatever state they were in.
        return ProcessPoolExecutor(
            max_workers=self.max_workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=start_child,
            initargs=(os.getpid(), *initargs),
        )

    def _stop_stuck(self, executor: Executor, stuck: Future[WorkerReply]) -> None:
        assert isinstance(executor, ProcessPoolExecutor)
        executor.kill_workers()
        executor.shutdown(wait=False, cancel_futures=True)

    def _remote_traceback(self, exc: BaseException) -> str:
        # ProcessPoolExecutor chains a _RemoteTraceback holding the child's text.
        cause = exc.__cause__
        # concurrent.futures wraps the worker's text in triple quotes (_RemoteTraceback).
        text = str(getattr(cause, "tb", "") or "").strip()
        return text.removeprefix('"""').removesuffix('"""').strip()
