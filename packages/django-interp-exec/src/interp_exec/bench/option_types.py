"""Argument types for run_interp_bench's numeric options: finite, within a stated range.

argparse calls the type on the raw text before the command runs, so a bad value
stops it up front, with a sentence naming the option (argparse adds
"argument --jobs: ") and the range it accepts. Without them ``--tolerance nan``
failed only after the whole run, ``--tolerance inf`` switched the regression gate
off, and an absurd ``--size`` ended in a MemoryError.
"""

import argparse
import math
from collections.abc import Callable


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A type accepting whole numbers from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"give a whole number from {low:,} to {high:,}, not {text[:40]!r}"
            )
        return value

    return parse


def finite_number(low: float, high: float) -> Callable[[str], float]:
    """A type accepting finite numbers from ``low`` to ``high``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not low <= value <= high:  # NaN compares false: refused too
            raise argparse.ArgumentTypeError(
                f"give a number from {low:g} to {high:g}, not {text[:40]!r}"
            )
        return value

    return parse
