"""A pool's child process ends when the process that made the pool does.

A ``ProcessPoolExecutor`` child started by the forkserver is the forkserver's child,
not its owner's: when the owner dies abruptly (a job's ``os._exit`` in one of its
subinterpreters, SIGKILL, the out-of-memory killer), nothing tells the child, which
waits for work forever. While it lives it keeps the forkserver alive too (every
child holds the write end of the forkserver's "alive" pipe), and the resource
tracker behind both: 160 MiB stayed behind per dead queue worker. So each child
watches its owner from a daemon thread blocked on a pidfd of the owner, which
becomes readable when the owner exits (no polling), and then ends at once. Its
forkserver, left without a client, exits on its own, and the resource tracker
after it.

Needs ``os.pidfd_open`` (Linux 5.3 and later); where it is missing or refused, a child
is not watched.
"""

import os
import select
import threading

# A child whose owner is gone exits with this status; nobody is left to read it.
OWNER_GONE = 0


def end_with(owner_pid: int) -> None:
    """End this process as soon as ``owner_pid`` exits (at once if it already has)."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return
    try:
        pidfd = pidfd_open(owner_pid)
    except ProcessLookupError:
        os._exit(OWNER_GONE)
    except OSError:
        return  # refused here (a sandbox, an old kernel): a raising initializer breaks the pool
    threading.Thread(
        target=_exit_when_readable, args=(pidfd,), name="interp-exec-owner-watch", daemon=True
    ).start()


def _exit_when_readable(pidfd: int) -> None:
    select.select([pidfd], [], [])
    os._exit(OWNER_GONE)
