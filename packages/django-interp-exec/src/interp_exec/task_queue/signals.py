"""What the queue tells the rest of the app, so that it imports none of it.

The queue knows jobs, not what stands on it: the ``django.tasks`` backend
(``interp_exec.task_backend``) and the Prometheus gauges
(``interp_exec.contrib.metrics``) connect here in their apps' ``ready()``.

- ``task_job_claimed`` (``job_id``, ``workload``): a worker claimed a job queued as a
  ``django.tasks`` task and is about to run it. A receiver makes the task runnable
  in this process; an exception it raises ends the job failed, with that error.
- ``task_job_started`` / ``task_job_finished`` (``job_id``): such a job went to the
  port / its outcome was stored by its worker. The sweep sends ``task_job_finished``
  for every job it gives up, not knowing which were tasks (it is rare): receivers
  skip the others.
- ``batch_stored``: a worker stored a batch of outcomes (a drain can outlast many
  tasks, so what is recorded per task is recorded per batch too).
- ``sweep_finished`` (``report``): one pass of the lease sweep ended.
"""

from django.dispatch import Signal

task_job_claimed = Signal()
task_job_started = Signal()
task_job_finished = Signal()
batch_stored = Signal()
sweep_finished = Signal()
