"""Serve the app with gunicorn in its own process, configured as in production, on a database of
its own that the real migrations built and `seed-demo` filled."""

import base64
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The key-encryption key clips are sealed under, the same for the seeding and every server of
# this test process (production refuses to start without one).
CLIP_KEYS = f"live={base64.b64encode(os.urandom(32)).decode()}"
# Signs of a server error in the log or a page, whatever the handler made of it.
TRACE_MARKERS = ("Traceback (most recent call last)", "Unhandled error on")


@dataclass
class LiveServer:
    """A running server: its address, the demo accounts and certificates, its log."""

    url: str
    database_url: str
    log: Path
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)
    certificates: list[tuple[str, str]] = field(default_factory=list)

    def log_text(self) -> str:
        """Everything the server wrote so far."""
        return self.log.read_text(errors="replace")

    def errors_logged(self) -> list[str]:
        """Lines of the log that show an unhandled error."""
        return errors_in(self.log)


def errors_in(log: Path) -> list[str]:
    """Lines of a process's log that show an unhandled error."""
    return [line for line in log.read_text(errors="replace").splitlines() if _is_trace(line)]


def _is_trace(line: str) -> bool:
    return any(marker in line for marker in TRACE_MARKERS)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_environment(
    folder: Path, database_url: str, url: str, smtp_port: int
) -> dict[str, str]:
    """The environment of an app served from `folder` at `url`, as production configures it
    (a secret key and a limit-counter prefix of its own; the process's clip key)."""
    env = {
        **os.environ,
        "ATTUNE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "BASE_URL": url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "ISSUER_KEY_FILE": str(folder / "issuer-key.pem"),
        "ISSUER_CERT_FILE": str(folder / "issuer-cert.pem"),
        "CLIP_STORAGE_DIR": str(folder / "clips"),
        "CLIP_KEYS": CLIP_KEYS,
        "JOBS_BACKEND": "thread",
        # Production requires a second factor of supervisors and coordinators; the live tests
        # that sign them in with a password are about other things (the policy has its own).
        "SECOND_FACTOR_REQUIRED_ROLES": "",
        # Counters shared by every worker, as production requires; a prefix of this server's own.
        "RATELIMIT_STORAGE_URI": os.environ.get("TEST_LIMITS_URI", "redis://127.0.0.1:6379/0"),
        "RATELIMIT_KEY_PREFIX": f"live-{secrets.token_hex(6)}",
        # The crawls sign in many times from one address; the limits have tests of their own.
        "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "10000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": "10000 per minute",
        "LOGIN_LIMIT_PER_DEVICE": "10000 per minute",
        "RESET_LIMIT_PER_ADDRESS": "10000 per minute",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("FLASK_APP", "FLASK_DEBUG", "REDIS_URL", "TEST_DATABASE_URL"):
        env.pop(name, None)
    return env


def run_flask(env: dict[str, str], *args: str) -> str:
    """Run `flask --app wsgi ARGS` in `env` to its end; what it printed (it must succeed)."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class DemoTemplate:
    """A database the real migrations built and `seed-demo` filled once per test worker, with
    its issuer key and clips; each served app gets a copy (PostgreSQL clones it as a template,
    SQLite copies the file), so seeding (~10 s, ~25 s on a busy machine) is paid once."""

    folder: Path
    database_url: str
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)
    certificates: list[tuple[str, str]] = field(default_factory=list)


def seed_template(folder: Path, database_url: str, smtp_port: int) -> DemoTemplate:
    """Migrate and seed a demo database (the template of every served app of this worker)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = production_environment(folder, database_url, "http://127.0.0.1:5000", smtp_port)
    template = DemoTemplate(folder=folder, database_url=database_url)
    run_flask(env, "db", "upgrade")
    run_flask(env, "certificates", "create-issuer-key", "--dir", str(folder), "--if-missing")
    for line in run_flask(env, "seed-demo", "--force").splitlines():
        parts = line.split()
        if parts and parts[0] == "CERTIFICATE":
            template.certificates.append((parts[1], parts[2]))
        elif len(parts) == 3 and "@" in parts[1]:
            # The first account of each role is the one a crawl signs in as.
            template.accounts.setdefault(parts[0], (parts[1], parts[2]))
            template.accounts.setdefault(parts[1], (parts[1], parts[2]))
    return template


def copy_template(template: DemoTemplate, folder: Path, name: str) -> str:
    """A database of its own for one served app, holding what the template holds; the issuer
    key and the clips are copied beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in ("issuer-key.pem", "issuer-cert.pem"):
        shutil.copy2(template.folder / item, folder / item)
    if (template.folder / "clips").is_dir():
        shutil.copytree(template.folder / "clips", folder / "clips", dirs_exist_ok=True)
    source = make_url(template.database_url)
    if source.get_backend_name() == "sqlite":
        target = folder / f"{name}.db"
        assert source.database is not None
        shutil.copy2(source.database, target)
        # A write-ahead log left by the seeding processes holds committed rows too.
        if Path(f"{source.database}-wal").exists():
            shutil.copy2(f"{source.database}-wal", f"{target}-wal")
        return f"sqlite:///{target}"
    database = f"{source.database}_{name}".lower()
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{source.database}"'))
    finally:
        admin.dispose()
    return source.set(database=database).render_as_string(hide_password=False)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log.read_text(errors='replace')}")
        try:
            if requests.get(f"{url}/healthz", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Ask a process to stop (SIGTERM); kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def run_gunicorn(
    env: dict[str, str],
    port: int,
    log: Path,
    workers: int = 2,
    threads: int = 2,
    options: Sequence[str] = ("--access-logfile=-",),
    app: str = "wsgi:app",
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving `app` in `env` on 127.0.0.1:`port` with `workers` processes of
    `threads` threads, its output in `log` (with an access log unless `options` say otherwise);
    yields once /healthz answers and every worker has started, stops it after."""
    command = [
        str(BIN / "gunicorn"),
        f"--workers={workers}",
        f"--threads={threads}",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
        *options,
        app,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", process, log)
        deadline = time.monotonic() + 60
        while len(child_pids(process)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield process
    finally:
        stop(process)


@contextmanager
def run_jobs_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`flask jobs worker` working the RQ queue of `env` (REDIS_URL, JOBS_QUEUE), its output
    in `log`, until stopped after."""
    command = [str(BIN / "flask"), "--app", "wsgi", "jobs", "worker"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        yield process
    finally:
        stop(process)


def child_pids(process: subprocess.Popen[bytes]) -> list[int]:
    """The processes `process` started (a gunicorn master's workers), from /proc."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@contextmanager
def serve(
    folder: Path,
    template: DemoTemplate,
    smtp_port: int,
    workers: int = 2,
    threads: int = 2,
    name: str = "served",
) -> Iterator[LiveServer]:
    """gunicorn with `workers` processes of `threads` threads on a fresh copy of the template."""
    database_url = copy_template(template, folder, name)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = production_environment(folder, database_url, url, smtp_port)
    server = LiveServer(
        url=url,
        database_url=database_url,
        log=folder / "server.log",
        accounts=dict(template.accounts),
        certificates=list(template.certificates),
    )
    with run_gunicorn(env, port, server.log, workers, threads):
        yield server


def text_has_trace(body: str) -> bool:
    """Whether a page shows a stack trace."""
    return bool(re.search(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line", body))
