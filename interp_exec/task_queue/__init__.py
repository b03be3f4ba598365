"""The task queue's side: jobs queued from the site, run by django-q2 workers.

``queueing`` checks and stores a job and sends its task; ``drain`` is the task,
which claims jobs and stores their outcomes through ``job_claims``; ``sweep``
makes up for tasks and workers that were lost. ``interp_exec.tasks`` and
``interp_exec.sweep`` are the dotted paths that queued tasks and the sweep's
schedule name.
"""
