"""Admin pages: one module per model family, registered on import; ``workers``: live clusters."""

from interp_exec.admin import benchmarks, dispatch_log, flags, jobs, workers

__all__ = ["benchmarks", "dispatch_log", "flags", "jobs", "workers"]
