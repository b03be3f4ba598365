"""Values built to break what handles them, shared by the tests of every edge."""

from typing import Any


def nested(depth: int) -> list[Any]:
    """A list ``depth`` lists deep: past what the JSON encoder can follow at 200_000."""
    outer: list[Any] = []
    inner = outer
    for _ in range(depth):
        inner.append([])
        inner = inner[0]
    return outer
