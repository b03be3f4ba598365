"""A pool of subinterpreters on ``concurrent.interpreters`` alone: one host thread
and one interpreter a slot, a ``concurrent.futures.Executor`` to its caller.

Why not the standard library's ``InterpreterPoolExecutor``: it runs every job
through ``concurrent.futures.interpreter.do_call``, which each of its workers
imports by reference, and with it ``concurrent.futures``, ``logging``,
``traceback`` and ``concurrent.interpreters`` with its queues (3.9 MiB a worker,
more than the 2.4 MiB of the interpreter itself). Here a slot calls the job's own
function in its interpreter with ``Interpreter.call``, so a worker holds only
what its jobs import. A job costs the host one ``Future`` and one ``SimpleQueue``
put, and no thread-pool bookkeeping (``ThreadPoolExecutor.submit`` takes a lock
and a semaphore per job): for tiny jobs that bookkeeping was the pool's cost.

Data flow::

    submit(fn, *args) -> SlotFuture; (future, fn, args, kwargs) onto the pool's queue
        -> the first free slot: the future's ``started`` time, then
           interp.call(fn, *args) -> the future's result, or
           its exception (``ExecutionFailed`` for an error raised in the job: the
           exception itself stays in the subinterpreter; its snapshot holds the
           type's name, the message and the traceback text)
    shutdown -> one stop mark a slot; a slot closes its interpreter and ends

A slot that cannot start (no interpreter, or the initializer raised) breaks the
pool, as the standard library's does: queued and later jobs fail with
``BrokenInterpreterPool``.

Slot threads are daemons, joined at exit by ``_stop_all_at_exit``: the process's
exit waits for a job still running (as it did for the standard library's
workers), and no interpreter outlives its thread.
"""

import atexit
import itertools
import threading
import time
import weakref
from collections.abc import Callable
from concurrent import interpreters
from concurrent.futures import BrokenExecutor, Executor, Future
from queue import Empty, SimpleQueue
from typing import Any

type _Work = tuple[SlotFuture[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]

_pool_numbers = itertools.count(1)


class BrokenInterpreterPool(BrokenExecutor):
    """A slot of the pool could not start: the pool takes no more jobs."""


class SlotFuture[T](Future[T]):
    """A job's future that says when a slot started the job (``time.perf_counter``),
    None while the job waits in the pool's queue: a caller that queues jobs ahead of
    free slots times each job from its start, not from its submission."""

    def __init__(self) -> None:
        super().__init__()
        self.started: float | None = None


class InterpreterPool(Executor):
    """``max_workers`` subinterpreters, each started at once in a thread of its own
    that calls ``initializer(*initargs)`` in it before taking jobs."""

    def __init__(
        self,
        max_workers: int,
        *,
        thread_name_prefix: str = "",
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be >= 1")
        self._queue: SimpleQueue[_Work | None] = SimpleQueue()
        self._lock = threading.Lock()
        self._broken = ""
        self._shut_down = False
        self._initializer = initializer
        self._initargs = initargs
        prefix = thread_name_prefix or f"InterpreterPool-{next(_pool_numbers)}"
        self._slots = [
            threading.Thread(target=self._serve, name=f"{prefix}_{n}", daemon=True)
            for n in range(max_workers)
        ]
        _live_pools.add(self)
        for slot in self._slots:
            slot.start()

    def submit[T](self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> SlotFuture[T]:
        with self._lock:
            if self._broken:
                raise BrokenInterpreterPool(self._broken)
            if self._shut_down:
                raise RuntimeError("cannot schedule new futures after shutdown")
            future: SlotFuture[T] = SlotFuture()
            self._queue.put((future, fn, args, kwargs))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if not self._shut_down:
                self._shut_down = True
                if cancel_futures:
                    for future, *_ in self._take_queued():
                        future.cancel()
                for _ in self._slots:
                    self._queue.put(None)
        if wait:
            for slot in self._slots:
                if slot is not threading.current_thread():
                    slot.join()

    def _serve(self) -> None:
        """A slot's thread: start its interpreter, then run jobs until a stop mark."""
        try:
            interpreter = interpreters.create()
        except BaseException as exc:
            self._break(exc)
            return
        try:
            if self._initializer is not None:
                interpreter.call(self._initializer, *self._initargs)
        except BaseException as exc:
            self._break(exc)
        else:
            self._run_jobs(interpreter)
        finally:
            interpreter.close()

    def _run_jobs(self, interpreter: interpreters.Interpreter) -> None:
        while (work := self._queue.get()) is not None:
            future, fn, args, kwargs = work
            del work  # hold no job's arguments or result while idle
            if future.set_running_or_notify_cancel():
                future.started = time.perf_counter()
                try:
                    result = interpreter.call(fn, *args, **kwargs)
                except BaseException as exc:
                    future.set_exception(exc)
                else:
                    future.set_result(result)
                    del result
            del future, fn, args, kwargs

    def _break(self, exc: BaseException) -> None:
        """Fail the queued jobs and refuse new ones: a slot could not start."""
        with self._lock:
            self._broken = f"a subinterpreter of the pool could not start: {exc!r}"
            for future, *_ in self._take_queued():
                if future.set_running_or_notify_cancel():
                    future.set_exception(BrokenInterpreterPool(self._broken))

    def _take_queued(self) -> list[_Work]:
        """Empty the queue of jobs; stop marks already in it stay (other slots need them)."""
        taken: list[_Work] = []
        marks = 0
        while True:
            try:
                work = self._queue.get_nowait()
            except Empty:
                break
            if work is None:
                marks += 1
            else:
                taken.append(work)
        for _ in range(marks):
            self._queue.put(None)
        return taken


_live_pools: weakref.WeakSet[InterpreterPool] = weakref.WeakSet()


@atexit.register
def _stop_all_at_exit() -> None:
    """Stop every pool and wait for its slots: a daemon thread still inside a
    subinterpreter when the runtime finalizes would take the process down with it."""
    for pool in list(_live_pools):
        pool.shutdown(wait=True)
