"""gunicorn's settings file, read when gunicorn starts in this folder (as README says to): it
refuses to start several workers that would each keep their own sign-in counters."""

import os


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
