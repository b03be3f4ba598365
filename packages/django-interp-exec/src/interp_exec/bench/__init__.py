"""The executor benchmark behind ``manage.py run_interp_bench``; no Django in here.

``harness`` runs the same jobs through each bare adapter and returns one
``ModeResult`` per workload and mode, at the size ``job_size`` finds coarse on the
host; ``regression`` and ``guard`` judge them; ``report`` prints them; ``memory``
reads the process tree's resident memory.
"""
