"""A small process pool for the scan: one pipe per worker, results in submission order.

`multiprocessing.Pool` keeps a maintenance thread in the parent that wakes up whenever a result
is waiting in the shared result pipe and spins until the result thread has read it: with the
large per-file results of a scan that was a third of a second of the parent's CPU taken from the
two workers on a two-core machine. Here the parent waits on the workers' own pipes, hands each
worker its next chunk as it returns one, and does nothing else.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

Task = TypeVar("Task")
Outcome = TypeVar("Outcome")

IN_FLIGHT = 2  # chunks queued per worker: it never waits for the parent between two chunks
_STOP = None


class WorkerFailed(RuntimeError):
    """A worker died, or raised something that could not be sent home."""


def ordered_results(work: Callable[[Task], Outcome], tasks: Sequence[Task], jobs: int,
                    initializer: Callable[..., None], init_args: tuple[Any, ...],
                    method: str = "fork") -> Iterator[Outcome]:
    """`work(task)` for every task in `jobs` worker processes, yielded in the order of `tasks`.
    An exception raised by `work` is raised here in its place in that order (after the results
    before it); the workers are stopped on every way out."""
    context = multiprocessing.get_context(method)
    workers: list[tuple[Any, Connection]] = []
    queued: dict[Connection, list[int]] = {}
    done: dict[int, tuple[bool, Any]] = {}
    next_task = 0
    finished = False
    try:
        for _ in range(max(1, min(jobs, len(tasks)))):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, work, initializer, init_args), daemon=True)
            process.start()
            theirs.close()
            workers.append((process, ours))
            queued[ours] = []
        for _ in range(IN_FLIGHT):
            for _process, conn in workers:
                if next_task < len(tasks):
                    _send(conn, (next_task, tasks[next_task]))
                    queued[conn].append(next_task)
                    next_task += 1
        emitted = 0
        while emitted < len(tasks):
            for conn in wait([conn for conn, indices in queued.items() if indices]):
                index, ok, payload = _receive(conn)
                queued[conn].remove(index)
                done[index] = (ok, payload)
                if next_task < len(tasks):
                    _send(conn, (next_task, tasks[next_task]))
                    queued[conn].append(next_task)
                    next_task += 1
            while emitted in done:
                ok, payload = done.pop(emitted)
                if not ok:  # raised where `imap` would raise it: after every earlier result
                    raise payload
                yield payload
                emitted += 1
        finished = True
    finally:
        _stop(workers, wait_for_them=finished)


def in_forked_processes(calls: Sequence[Callable[[], Outcome]]) -> list[Outcome]:
    """Each call in a process of its own, forked now, so that it sees the caller's memory as it is
    (nothing is sent to it but its index); the results in the order of `calls`."""
    _FORKED[:] = calls
    try:
        return list(ordered_results(_call_forked, range(len(calls)), len(calls), _no_setup, (), "fork"))
    finally:
        _FORKED.clear()


_FORKED: list[Callable[[], Any]] = []  # the calls of `in_forked_processes`, inherited by the fork


def _call_forked(index: int) -> Any:
    return _FORKED[index]()


def _no_setup() -> None:
    """A forked process inherits everything it needs."""


def _send(conn: Connection, message: tuple[int, Any]) -> None:
    try:
        conn.send(message)
    except OSError:
        raise WorkerFailed("a scan worker stopped unexpectedly") from None


def _receive(conn: Connection) -> tuple[int, bool, Any]:
    try:
        message: tuple[int, bool, Any] = conn.recv()
    except (EOFError, OSError):
        raise WorkerFailed("a scan worker stopped unexpectedly") from None
    return message


def _stop(workers: list[tuple[Any, Connection]], *, wait_for_them: bool) -> None:
    """Idle workers are told to stop; after an error (or a caller that stopped reading) busy
    ones are terminated rather than waited for."""
    for process, conn in workers:
        try:
            conn.send(_STOP)
        except OSError:
            pass
        if not wait_for_them:
            process.terminate()
    for process, conn in workers:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()


def _serve(conn: Connection, work: Callable[[Any], Any], initializer: Callable[..., None],
           init_args: tuple[Any, ...]) -> None:
    """A worker's life: run each task it is sent until told to stop (or its parent is gone)."""
    try:
        initializer(*init_args)
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            if message is _STOP:
                return
            index, task = message
            try:
                reply: tuple[int, bool, Any] = (index, True, work(task))
            except Exception as exc:  # sent home and raised there, as multiprocessing.Pool does
                reply = (index, False, exc)
            try:
                conn.send(reply)
            except Exception as exc:  # the result or the exception would not pickle
                conn.send((index, False, WorkerFailed(f"a scan worker could not send its result home "
                                                      f"({type(exc).__name__})")))
    except KeyboardInterrupt:
        return
    finally:
        conn.close()
