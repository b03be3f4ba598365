"""The thread that beats for a q2 worker, and looks for lost work after each beat.

Started by django-q2's ``post_spawn`` in each worker process. After each beat
(``worker_heartbeat``), the worker looks for work lost with dead workers
(``lost_work``): one query of the running jobs (and one cache read when some are
older than a beat's expiry), and, when it has nothing to do, one of the jobs
left waiting.
"""

import os
import threading
import time

import structlog

from interp_exec.ops import lost_work
from interp_exec.ops.worker_heartbeat import HEARTBEAT_S, beat
from interp_exec.task_queue.job_claims import worker_name
from interp_exec.telemetry.process_load import POOL_LOAD

_logger = structlog.get_logger(__name__)

# django-q2 tasks this process is running now (``task_started`` / ``task_ended``).
_running_tasks = 0
_started_in_pid: int | None = None
_start_lock = threading.Lock()


def start_heartbeat(**signal_kwargs: object) -> None:
    """Beat now, before the worker takes its first task, then every ``HEARTBEAT_S``
    until the process ends.

    A worker holding a job has always beaten: ``lost_work`` counts on it.
    Takes a signal's keyword arguments so django-q2's ``post_spawn`` can call it;
    starts one thread per process, whatever the number of calls.
    """
    global _started_in_pid
    with _start_lock:
        # A forked child inherits the flag but not the thread: compare pids.
        if _started_in_pid == os.getpid():
            return
        _started_in_pid = os.getpid()
    failing = not _beat_once(failing=False)
    threading.Thread(
        target=_beat_forever, args=(failing,), name="interp-exec-heartbeat", daemon=True
    ).start()
    _logger.info("cpu.heartbeat_started", worker=worker_name(), every_s=HEARTBEAT_S)


def task_started(**signal_kwargs: object) -> None:
    """django-q2's ``pre_execute``, in the worker: it has something to do."""
    global _running_tasks
    _running_tasks += 1


def task_ended(**signal_kwargs: object) -> None:
    """django-q2's ``post_execute_in_worker``."""
    global _running_tasks
    _running_tasks = max(_running_tasks - 1, 0)


def _beat_forever(failing: bool) -> None:
    while True:
        time.sleep(HEARTBEAT_S)
        failing = not _beat_once(failing)


def _beat_once(failing: bool) -> bool:
    """Beat, then look for work lost with dead workers; False if that failed (logged
    once per outage: an unreachable cache hides this worker from the page, and the
    worker itself goes on serving)."""
    try:
        beat()
        lost_work.recover_jobs_of_silent_workers()
        if not _running_tasks and not any(busy for _, busy in POOL_LOAD.loads().values()):
            lost_work.resend_tasks_to_idle_worker()
    except Exception:
        if not failing:
            _logger.exception("cpu.heartbeat_failed", worker=worker_name())
        return False
    return True
