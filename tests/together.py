"""Running calls at the same moment, each on its own thread, for the tests of races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def at_once(*calls: Callable[[], T], timeout: float = 30) -> list[T]:
    """Run the calls on their own threads, released together by a barrier; their results in
    order (a call that raised fails the test with its error)."""
    barrier = threading.Barrier(len(calls))
    results: list[T | BaseException | None] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a call hung"
    done: list[T] = []
    for result in results:
        assert result is not None and not isinstance(result, BaseException), repr(result)
        done.append(result)
    return done
