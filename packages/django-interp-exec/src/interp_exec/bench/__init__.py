"""The executor benchmark behind ``manage.py run_interp_bench``; no Django in here.

``harness`` runs the same jobs through each bare adapter and returns one
``ModeResult`` per workload and mode; ``regression`` judges them; ``report``
prints them; ``memory`` reads the process tree's resident memory.
"""
