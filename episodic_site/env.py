"""Typed readers for settings that come from environment variables.

Settings read the environment once, at import. A bad value must stop the process
right there with a message naming the variable, not surface later as a confusing
error far from its cause; so every reader raises ``ImproperlyConfigured`` that
says which variable held what, and what it accepts.

Each reader returns ``default`` when the variable is unset or blank. The default
may be ``None``, which lets a caller tell "not configured" from any real value.
"""

import math
import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_str[D](name: str, default: D) -> str | D:
    """The variable's value with surrounding blanks removed."""
    raw = _raw(name)
    return default if raw is None else raw


def env_bool[D](name: str, default: D) -> bool | D:
    """``1/true/yes/on`` or ``0/false/no/off``, in any case."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE_WORDS:
        return True
    if raw.lower() in _FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1, true, yes, on, 0, false, no, off."
    )


def env_int[D](name: str, default: D, *, minimum: int | None = None) -> int | D:
    """A whole number, optionally no smaller than ``minimum``."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    _check_minimum(name, value, minimum)
    return value


def env_float[D](name: str, default: D, *, minimum: float | None = None) -> float | D:
    """A finite decimal number, optionally no smaller than ``minimum``."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a finite number.")
    _check_minimum(name, value, minimum)
    return value


def env_list[D](name: str, default: D) -> list[str] | D:
    """A comma-separated list; blanks around items and empty items are dropped."""
    raw = _raw(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice[D](name: str, choices: tuple[str, ...], default: D) -> str | D:
    """One of ``choices``, compared without regard to case."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of: {', '.join(choices)}.")
    return raw.lower()


_RATE = re.compile(r"\d+/(?:s|sec|second|m|min|minute|h|hour|d|day)")


def env_rate[D](name: str, default: D) -> str | D:
    """A request rate as REST framework's throttles read it: ``120/minute``, ``5/s``."""
    raw = _raw(name)
    if raw is None:
        return default
    if not _RATE.fullmatch(raw):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: write requests/period, e.g. 120/minute "
            "(period: second, minute, hour or day)."
        )
    return raw


def _raw(name: str) -> str | None:
    raw = os.environ.get(name, "").strip()
    return raw or None


def _check_minimum(name: str, value: float, minimum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is below its minimum of {minimum}.")
