"""The scan's process pool: results in order, errors raised in the parent, workers always stopped."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from jwtaudit.commands.workers import WorkerFailed, ordered_results

_STATE: dict[str, int] = {}


def _init(offset: int) -> None:
    _STATE["offset"] = offset


def _square_plus_offset(task: int) -> tuple[int, int, int]:
    return task, task * task + _STATE["offset"], os.getpid()


def _fail_on_three(task: int) -> int:
    if task == 3:
        raise ValueError("task three")
    return task


def _unpicklable(task: int) -> object:
    return threading.Lock() if task == 2 else task


def _die_on_two(task: int) -> int:
    if task == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return task


def test_results_come_back_in_task_order_from_several_workers() -> None:
    tasks = list(range(40))
    results = list(ordered_results(_square_plus_offset, tasks, 3, _init, (7,)))
    assert [r[:2] for r in results] == [(t, t * t + 7) for t in tasks]
    assert len({pid for *_rest, pid in results}) > 1
    assert all(pid != os.getpid() for *_rest, pid in results)


def test_more_workers_than_tasks_and_no_tasks() -> None:
    assert [r[1] for r in ordered_results(_square_plus_offset, [2], 4, _init, (0,))] == [4]
    assert list(ordered_results(_square_plus_offset, [], 2, _init, (0,))) == []


def test_an_exception_in_a_worker_is_raised_in_the_parent_after_the_results_before_it() -> None:
    seen: list[int] = []
    with pytest.raises(ValueError, match="task three"):
        for value in ordered_results(_fail_on_three, list(range(8)), 2, _init, (0,)):
            seen.append(value)
    assert seen == [0, 1, 2]


def test_a_result_that_cannot_be_sent_home_fails_clearly() -> None:
    with pytest.raises(WorkerFailed, match="could not send its result home"):
        list(ordered_results(_unpicklable, [0, 1, 2, 3], 2, _init, (0,)))


def test_a_worker_that_dies_fails_clearly_instead_of_hanging() -> None:
    with pytest.raises(WorkerFailed, match="stopped unexpectedly"):
        list(ordered_results(_die_on_two, list(range(6)), 2, _init, (0,)))


def test_workers_are_gone_after_a_run_and_after_the_caller_stops_early() -> None:
    import multiprocessing

    list(ordered_results(_square_plus_offset, list(range(10)), 2, _init, (0,)))
    results = ordered_results(_square_plus_offset, list(range(50)), 2, _init, (0,))
    next(results)
    results.close()  # the caller stops reading: the generator's cleanup stops the workers
    assert multiprocessing.active_children() == []
