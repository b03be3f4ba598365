"""``@task`` functions the backend's tests enqueue: module-level, JSON in and out."""

from django.tasks import task


class TaskFailure(Exception):
    """Raised by ``fail`` on purpose: its path must come back in the result's error."""


@task
def add(a: int, b: int = 0) -> dict[str, int]:
    """The sum and product of two numbers."""
    return {"sum": a + b, "product": a * b}


@task(priority=10)
def word_lengths(words: list[str], *, minimum: int = 0) -> list[int]:
    return [len(word) for word in words if len(word) >= minimum]


@task
def fail(message: str) -> None:
    raise TaskFailure(message)


@task
def returns_a_set() -> object:
    return {1, 2}
