"""Hypothesis strategies for values a field must refuse, each bad by construction.

"Bad" is decided here, independently of the code under test: a whole-number
field gets text no Python parser reads as a whole number, or a whole number out
of its range; a choice gets text that is none of the choices. Django's integer
fields accept what ``int()`` accepts after dropping a trailing ``.0`` (spaces,
``1_000``, other scripts' digits), so that is what "reads as" means below.
"""

import math
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

# Every fuzz test: no deadline (the first request of a test is slow), no example
# database written to the work tree, and function-scoped fixtures shared by the
# examples of one test (each example leaves the database as it found it).
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_TRAILING_ZEROS = re.compile(r"\.0*\s*$")


def reads_as_whole_number(text: str) -> bool:
    try:
        int(_TRAILING_ZEROS.sub("", text))
    except ValueError:
        return False
    return True


def reads_as_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value)


def not_a_whole_number() -> SearchStrategy[str]:
    """Text that is not blank and is no whole number: words, fractions, nan, inf, symbols."""
    return st.one_of(
        # No digit of any script in it, so nothing int() reads; no lone surrogate
        # (Cs), which no form post can carry: it has no UTF-8 encoding.
        st.text(st.characters(exclude_categories=["Nd", "Cs"]), min_size=1, max_size=30),
        st.text(min_size=1, max_size=30),
        st.floats().filter(lambda f: not f.is_integer()).map(repr),
        st.sampled_from(["1.5", "nan", "inf", "-inf", "1e3", "0x10", "--1", "1,000", "½"]),
    ).filter(lambda t: t.strip() != "" and not reads_as_whole_number(t))


def not_a_number() -> SearchStrategy[str]:
    """Text that is not blank and is no finite number."""
    return st.one_of(
        st.text(st.characters(exclude_categories=["Nd", "Cs"]), min_size=1, max_size=30),
        st.sampled_from(["nan", "inf", "-inf", "NaN", "Infinity", "1e999", "0x1p3"]),
    ).filter(lambda t: t.strip() != "" and not reads_as_number(t))


def whole_number_outside(low: int, high: int) -> SearchStrategy[str]:
    """A whole number below ``low`` or above ``high`` (up to 80 digits), as text."""
    return st.one_of(
        st.integers(max_value=low - 1),
        st.integers(min_value=high + 1),
        st.integers(min_value=high + 1, max_value=10**80),
    ).map(str)


def bad_whole_number(low: int, high: int) -> SearchStrategy[str]:
    return st.one_of(not_a_whole_number(), whole_number_outside(low, high))


def none_of(choices: set[str]) -> SearchStrategy[str]:
    """Non-blank text that is none of ``choices``, even with its spaces trimmed."""
    return st.text(min_size=1, max_size=40).filter(
        lambda t: t.strip() != "" and t not in choices and t.strip() not in choices
    )
