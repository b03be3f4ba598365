"""Admin pages: one module per model family, registered on import."""

from interp_exec.admin import benchmarks, dispatch_log, flags, jobs

__all__ = ["benchmarks", "dispatch_log", "flags", "jobs"]
