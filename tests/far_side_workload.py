"""A workload whose module imports only what a host's plain workload would: the
far side's imports are measured on it (``tests/contract/test_far_side_imports``)."""

from interp_exec import cpu_workload


@cpu_workload("tests.far_side")
def count_words(payload):  # type: ignore[no-untyped-def]  # annotations would import typing
    return len(payload["text"].split())


def loaded_modules() -> list[str]:
    """The modules of the interpreter this runs in (it uses no globals: an interpreter
    runs it without importing this module)."""
    import sys

    return sorted(sys.modules)
