"""The task queue's side: jobs queued from the site, run by django-q2 workers.

``queueing`` checks and stores a job and sends its task; ``drain`` is the task,
which claims jobs and stores their outcomes through ``job_claims``; ``sweep``
makes up for tasks and workers that were lost; ``leases`` says how long a claim
holds; ``job_spans`` traces a job; ``signals`` tells the task backend and the
metrics what happened, without the queue importing them.
``interp_exec.q2_entry_points`` holds the dotted paths that queued tasks and the
sweep's schedule name.
"""
