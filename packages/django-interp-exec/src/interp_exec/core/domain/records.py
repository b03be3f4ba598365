"""Frozen records without ``dataclasses``, for the types a workload module builds.

A workload module builds a ``Workload`` (``@cpu_workload``) and often its input
declarations as it is imported, and it is imported in every subinterpreter of
every pool. ``dataclasses`` imports ``inspect``, and with it ``ast``, ``dis`` and
``tokenize``: 1.1 MiB in each subinterpreter (measured), for five small classes.
A ``Record`` does what those classes asked of ``dataclass(frozen=True,
slots=True)``: compare, hash and print by field, refuse changes, and make a
changed copy (``replace``).

A subclass names its fields in ``__slots__`` (annotated for the type checker) and
sets them in its own ``__init__`` with ``_set``.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Self


class Record:
    __slots__: tuple[str, ...] = ()

    def _set(self, **fields: object) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def _fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``; checked as a new record (its ``__init__`` runs)."""
        return type(self)(**(self._fields() | changes))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Record)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((type(self), *self._fields().values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self._fields().items())
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot assign to {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot delete {name!r}")
