"""Run a test's competing calls at the same time, each in its own thread, and fail the test with
what any of them raised, or when one of them is still running after the timeout."""

import threading
from collections.abc import Callable


def run_together(*calls: Callable[[], object], timeout: float = 30) -> None:
    """Start every call in its own thread, wait for them all, and re-raise the first error."""
    errors: list[BaseException] = []

    def guarded(call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    stuck = sum(thread.is_alive() for thread in threads)
    assert not stuck, f"{stuck} of {len(threads)} calls still running after {timeout} s"
    if errors:
        raise errors[0]
