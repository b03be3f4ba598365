"""Adapters: one module per way of running a job, each behind the same interface.

None of them knows about flags, models or the others; the dispatcher picks one.
This package's ``__init__`` stays empty of imports because every subinterpreter
worker imports ``interp_exec.core.adapters.worker`` and should pay for nothing else.
"""
