"""Package ``__init__`` modules that import a name's module only when it is first used.

Every subinterpreter and process worker imports the packages above the workload
modules and ``adapters.worker``; eager re-exports there would load the whole
domain (and ``typing``, ``uuid``, ``pathlib`` ...) into each worker for nothing.
A package lists ``name -> module`` and gets a module ``__getattr__`` (PEP 562);
``from package import name`` goes through it too. Its ``TYPE_CHECKING`` block
names the same imports for type checkers.
"""

import importlib
from collections.abc import Callable, Mapping

type ModuleGetattr = Callable[[str], object]


def lazy_exports(package: str, exports: Mapping[str, str]) -> ModuleGetattr:
    """The ``__getattr__`` of ``package``: each name in ``exports`` from its module."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__
