"""Production refuses per-process limit storage when several processes serve the app: each
would count sign-in attempts on its own."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from tests.builders.clips import CLIP_KEYS
from tests.redis_available import redis_available

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "CLIP_KEYS": CLIP_KEYS}


def test_production_with_several_processes_refuses_memory_storage():
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI=memory://"):
        create_app("production", {**SETTINGS, "WEB_CONCURRENCY": 4})


@pytest.mark.parametrize(
    "extra",
    [
        {"WEB_CONCURRENCY": 1},
        {"WEB_CONCURRENCY": 4, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"},
        {"WEB_CONCURRENCY": 4, "RATELIMIT_ENABLED": False},
    ],
)
def test_production_starts_with_one_process_or_shared_storage(extra):
    assert create_app("production", {**SETTINGS, **extra}).config["ATTUNE_ENV"] == "production"


def _gunicorn(tmp_path: Path, workers: int, storage: str | None = None) -> list[str]:
    """The command and environment of a production gunicorn started as README says."""
    environment = {k: v for k, v in os.environ.items() if k != "RATELIMIT_STORAGE_URI"}
    environment.update(
        ATTUNE_ENV="production",
        SECRET_KEY="x" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path / 'attune.db'}",
        CLIP_KEYS=CLIP_KEYS,
        **({"RATELIMIT_STORAGE_URI": storage} if storage else {}),
    )
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", "127.0.0.1:0"]
    return subprocess.Popen(
        [*command, "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_gunicorn_with_several_workers_and_memory_storage_refuses_to_start(tmp_path):
    server = _gunicorn(tmp_path, 3)
    try:
        _out, log = server.communicate(timeout=60)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "Refusing to start: 3 server processes" in log
    assert "Booting worker" not in log


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_gunicorn_starts_its_workers_with_shared_storage(tmp_path):
    server = _gunicorn(tmp_path, 2, "redis://127.0.0.1:6379/0")
    seen: list[str] = []
    try:
        for line in server.stderr:
            seen.append(line)
            if "Froze " in line:
                break
    finally:
        server.terminate()
        server.communicate(timeout=30)
    log = "".join(seen)
    assert "Booting worker" in log
    # gunicorn.conf.py gives each worker threads (gthread), unless GUNICORN_THREADS says 1.
    assert "Using worker: gthread" in log, log
    # Each worker, its app loaded, freezes what loading made out of garbage collection.
    froze = seen[-1] if seen else ""
    frozen = re.search(r"Froze (\d+) objects", froze)
    assert frozen and int(frozen.group(1)) > 10_000, froze
