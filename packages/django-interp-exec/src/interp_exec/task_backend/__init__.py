"""A ``django.tasks`` backend: a Django 6 project's ``@task`` functions run through the port.

Data flow of one task::

    my_task.enqueue(*args, **kwargs) -> CpuTaskBackend.enqueue (backend.py): checks
      -> (ENQUEUE_ON_COMMIT: when the caller's transaction commits) a CpuJobRecord
         marked as a task job: workload = the task's dotted path, payload
         {"args", "kwargs"}, queue, priority, run_after; flag cpu.<path> made if
         missing (storage.py); task_enqueued
      -> its django-q2 task after commit (a deferred one: the lease sweep sends it
         once run_after has come)
      -> the worker claims it like any job (task_queue.drain), registers the task as
         a workload (workloads.py) and runs it through get_cpu_port(): flag, probe,
         thresholds, fallback, dispatch log, lease, sweep, finish once;
         task_started / task_finished (signals.py)
    get_result(id) -> a TaskResult read from the record (results.py)

This package is imported wherever a task module is: ``@task`` builds the backend,
and a subinterpreter or process that runs a task imports its module. So nothing
here touches the database at import time, and the backend class imports only
``django.tasks``; the modules that read or write records are imported when used.
"""

from interp_exec.task_backend.backend import CpuTaskBackend

__all__ = ["CpuTaskBackend"]
