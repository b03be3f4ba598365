"""The django-q2 task as queued tasks name it: ``interp_exec.tasks.run_cpu_job``.

Tasks already in a broker and the sweep's resends carry this dotted path, so it
stays here; the task itself lives in ``interp_exec.task_queue.drain``.
"""

from interp_exec.task_queue.drain import run_cpu_job

__all__ = ["run_cpu_job"]
