"""Run database work from several threads released at the same instant."""

import threading
from collections.abc import Callable

from django.db import connections

JOIN_WITHIN_S = 60


def at_once(count: int, action: Callable[[], None]) -> None:
    """Run ``action`` in ``count`` threads that start together; wait for all of them.

    Each thread has its own database connection (Django's are per thread) and
    closes it when done, so a transactional test can flush the database after.
    """
    barrier = threading.Barrier(count)

    def run() -> None:
        barrier.wait()
        try:
            action()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_WITHIN_S)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
