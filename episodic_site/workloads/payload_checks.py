"""Checks of a payload's fields, shared by the workloads' declared inputs.

A workload's ``measure`` (``WorkloadInputs``) checks every field the workload reads
before it counts the job's size: the job form runs it on what its parsers made,
the API on the payload given whole, so both refuse a bad payload with the same
sentence, and a worker never gets a payload the form would have refused. Each
check raises ``InvalidInput`` naming the field, what it must be and what it got.
"""

import math
from collections.abc import Collection

from interp_exec.core.domain.errors import InvalidInput, shown

# For the type checker only: a subinterpreter importing this module loads no typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def only_keys(payload: dict[str, Any], known: Collection[str], what: str) -> None:
    """Refuse a key the workload does not read: a misspelt field would be ignored."""
    unknown = sorted(key for key in payload if key not in known)
    if unknown:
        named = ", ".join(f'"{key}"' for key in known)
        raise InvalidInput(f"{what} takes {named} only, not {shown(unknown[0])}")


def whole_number(payload: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    """``payload[key]`` (``default`` when left out): a whole number from ``low`` to ``high``."""
    value = payload.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            f"{key} must be a whole number from {low:,} to {high:,}, got {shown(value)}"
        )
    return value


def number(payload: dict[str, Any], key: str, low: float, high: float, unit: str = "") -> float:
    """``payload[key]``: a number from ``low`` to ``high`` (a whole number is one too)."""
    value = payload[key]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not _finite(value)
        or not low <= value <= high
    ):
        things = f" of {unit}" if unit else ""
        raise InvalidInput(
            f"{key} must be a number{things} from {low:,} to {high:,}, got {shown(value)}"
        )
    return float(value)


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # a whole number too large for a float
        return False
