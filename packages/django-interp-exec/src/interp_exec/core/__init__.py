"""The core: what a job is, where it may run and how it runs there. No Django.

Everything below this package works where Django is absent or not set up:
inside every subinterpreter and process worker (which import the workloads and
``adapters.worker``), in plain scripts and in the benchmark. So this
``__init__`` imports nothing, and nothing here imports the Django side of the
app (models, flags, the task queue, the web pages, the admin); the Django side
calls in, through ``get_cpu_port`` (``wiring``) and the domain types.
"""
