"""Background jobs, so long work (a portfolio PDF) never holds a web worker.

With `REDIS_URL` set, jobs go to an RQ queue that every app server shares and `flask jobs
worker` runs; without it, a thread of the same process does the work. The suite's default,
`inline`, runs a job at once in the request (its deferred paths are tested on their own).
"""

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, SimpleWorker

log = logging.getLogger(__name__)
_threads: list[threading.Thread] = []


def _path(func: Callable[..., Any]) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def _resolve(path: str) -> Callable[..., Any]:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def perform(path: str, *args: Any) -> None:
    """Run one job (RQ calls this) in the app of the worker: `flask jobs worker` works the queue
    inside its app context (a bare `rq worker` has none, and is refused with this message)."""
    if not has_app_context():
        raise RuntimeError("Jobs run inside the app: start workers with `flask jobs worker`.")
    _resolve(path)(*args)


def queue(app: Flask | None = None) -> Queue:
    """The RQ queue of this app's configuration."""
    config = (app or current_app).config
    return Queue(config["JOBS_QUEUE"], connection=Redis.from_url(config["REDIS_URL"]))


def _in_thread(app: Flask, path: str, args: tuple[Any, ...]) -> None:
    with app.app_context():
        try:
            _resolve(path)(*args)
        except Exception:
            log.exception("background job %s%r failed", path, args)


def enqueue(func: Callable[..., Any], *args: Any) -> None:
    """Run `func(*args)` in the background; call it only after committing what it reads."""
    backend, path = current_app.config["JOBS_BACKEND"], _path(func)
    if backend == "rq":
        queue().enqueue(perform, path, *args, job_timeout=current_app.config["JOBS_TIMEOUT"])
    elif backend == "thread":
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        thread = threading.Thread(target=_in_thread, args=(app, path, args), daemon=True)
        _threads.append(thread)
        thread.start()
    else:
        func(*args)


def wait_for_threads(timeout: float = 60) -> None:
    """Wait for the jobs this process started in threads (for tests and clean shutdowns)."""
    while _threads:
        _threads.pop().join(timeout)


def work(app: Flask, burst: bool = False) -> bool:
    """Work the RQ queue in this process: WeasyPrint and its fonts load once, not per job."""
    worker = SimpleWorker([queue(app)], connection=queue(app).connection)
    return worker.work(burst=burst)
