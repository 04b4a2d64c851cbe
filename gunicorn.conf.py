"""gunicorn's settings file, read when gunicorn starts in this folder (as README says to): it
refuses to start several workers that would each keep their own sign-in counters, takes what
loading the app made out of the garbage collector's work, and aborts the clip uploads still
arriving when a stopping worker's grace runs out."""

import gc
import os
import signal
import threading

# Workers: gunicorn's own default reads WEB_CONCURRENCY (README); each serves this many requests
# at once in threads (gthread), so a slow download does not hold a whole process. The benchmark
# (bench/scale.py) measures 2 workers x 4 threads on two cores.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))


def on_starting(server):  # type: ignore[no-untyped-def]
    """Stop before any worker starts when the limit storage is per process and there are many."""
    from config import CONFIGS, limit_storage_problem

    config = CONFIGS.get(os.environ.get("ATTUNE_ENV", "production"), CONFIGS["production"])
    settings = {
        name: getattr(config, name) for name in ("RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED")
    }
    problem = limit_storage_problem(settings, server.cfg.workers)
    if problem:
        server.log.error("Refusing to start: %s", problem)
        raise SystemExit(1)


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """The app is loaded: what that made (modules, models, templates, the engine) lives as long
    as the worker, so it is frozen out of the collector's generations (gc.freeze) and each
    collection walks only what requests make."""
    gc.freeze()
    worker.log.info(
        "Froze %d objects of the loaded app out of garbage collection", gc.get_freeze_count()
    )
    _abort_uploads_before_grace_ends(worker)


def _abort_uploads_before_grace_ends(worker):  # type: ignore[no-untyped-def]
    """On SIGTERM a worker finishes its requests for `graceful_timeout` seconds, then is killed.
    A clip upload still arriving then would leave what it stored (S3 parts, a partial file):
    a second before, every upload still open in this worker is aborted (its request answers
    503, to a client that is being cut off anyway)."""
    stop = signal.getsignal(signal.SIGTERM)
    grace = max(worker.cfg.graceful_timeout - 1, 0)

    def abort_open() -> None:
        from app.storage.upload import abort_open_uploads

        aborted = abort_open_uploads()
        if aborted:
            worker.log.warning("Stopping: aborted %d clip upload(s) still arriving", aborted)

    def on_stop(signum, frame):  # type: ignore[no-untyped-def]
        if callable(stop):
            stop(signum, frame)
        timer = threading.Timer(grace, abort_open)
        timer.daemon = True
        timer.start()

    signal.signal(signal.SIGTERM, on_stop)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn set it: requests are not disturbed
