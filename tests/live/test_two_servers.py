"""Two app servers behind one address book: gunicorn on two ports and one `flask jobs worker`,
sharing one PostgreSQL database, Redis (sign-in limits and the job queue) and one S3 bucket,
with the same secret key and clip key, as "Running on several servers" in the README sets out.

What one server does, the other must see: a clip uploaded through one streams (in ranges) from
the other, failed sign-ins counted on one are limited on the other, a portfolio asked for on one
is rendered by the worker and downloaded from the other. A server stopped in the middle of an
upload loses nothing and leaves nothing behind, in the bucket or the database."""

import io
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.builders.evidence import MP4_HEADER, mp4_bytes
from tests.live.client import Browser
from tests.live.crawler import Crawler
from tests.live.page_forms import PageForm, forms_on
from tests.live.server import (
    DemoTemplate,
    copy_template,
    errors_in,
    free_port,
    production_environment,
    run_gunicorn,
    run_jobs_worker,
)
from tests.s3_server import BUCKET, S3Server
from tests.smtp_server import Inbox

# Small enough to reach in a test; the per-address limit stays high for the other sign-ins.
LIMITS = {
    "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": "3 per 15 minutes",
    "LOGIN_LIMIT_PER_DEVICE": "100 per minute",
}
MiB = 1024 * 1024
Server = subprocess.Popen[bytes]


@dataclass
class Cluster:
    """Two servers' addresses, what they share, and a way to start another like them."""

    urls: tuple[str, str]
    env: dict[str, str]
    folder: Path
    prefix: str
    s3: S3Server
    template: DemoTemplate
    logs: list[Path] = field(default_factory=list)
    start: Callable[..., AbstractContextManager[Server]] | None = None

    def browser(self, server: int, role: str | None = None) -> Browser:
        """A browser talking to server 0 or 1, signed in as a demo role (or anonymous)."""
        browser = Browser(self.urls[server])
        if role is not None:
            browser.sign_in(*self.template.accounts[role])
        return browser

    def objects(self) -> dict[str, int]:
        """Every object under the cluster's prefix in the bucket, with its size."""
        listed = self.s3.client().list_objects_v2(Bucket=BUCKET, Prefix=self.prefix)
        return {item["Key"]: item["Size"] for item in listed.get("Contents", [])}

    def open_uploads(self) -> list[str]:
        """Multipart uploads begun under the prefix and neither completed nor aborted."""
        listed = self.s3.client().list_multipart_uploads(Bucket=BUCKET, Prefix=self.prefix)
        return [upload["Key"] for upload in listed.get("Uploads", [])]


def on_other(browser: Browser, url: str) -> Browser:
    """The same person's browser (same cookies) sent to another server."""
    other = Browser(url)
    other.jar = browser.jar
    return other


@pytest.fixture(scope="module")
def cluster(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    smtp: Inbox,
) -> Iterator[Cluster]:
    """Two gunicorn servers and a jobs worker on one copy of the demo (PostgreSQL only)."""
    database = os.environ.get("TEST_DATABASE_URL")
    if not database or make_url(database).get_backend_name() != "postgresql":
        pytest.skip("several servers share one PostgreSQL (SQLite is one machine's file)")
    demo_template: DemoTemplate = request.getfixturevalue("demo_template")
    s3_server: S3Server = request.getfixturevalue("s3_server")
    folder = tmp_path_factory.mktemp("two_servers")
    database_url = copy_template(demo_template, folder, "two_servers")
    ports = (free_port(), free_port())
    urls = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    prefix = s3_server.new_prefix()
    env = production_environment(folder, database_url, urls[0], smtp.port)
    env |= {str(name): str(value) for name, value in s3_server.settings(prefix).items()}
    env |= s3_server.environment() | LIMITS
    env |= {
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "JOBS_BACKEND": "rq",
        "JOBS_QUEUE": f"two-servers-{secrets.token_hex(4)}",
        "CLIP_MAX_BYTES": str(64 * MiB),
    }
    cluster = Cluster(urls, env, folder, prefix, s3_server, demo_template)

    def start(name: str, port: int | None = None) -> AbstractContextManager[Server]:
        log = folder / f"{name}.log"
        cluster.logs.append(log)
        options = ["--graceful-timeout=3", "--access-logfile=-"]
        return run_gunicorn(env, port or free_port(), log, workers=1, threads=4, options=options)

    cluster.start = start
    with ExitStack() as running:
        for name, port in zip(("server-a", "server-b"), ports, strict=True):
            running.enter_context(start(name, port))
        worker_log = folder / "worker.log"
        cluster.logs.append(worker_log)
        running.enter_context(run_jobs_worker(env, worker_log))
        yield cluster
    errors = [line for log in cluster.logs for line in errors_in(log)]
    assert not errors, "a server or the worker logged unhandled errors:\n" + "\n".join(errors)


def trainee_forms(browser: Browser) -> list[PageForm]:
    """The forms on the pages the trainee reaches from home in a short crawl."""
    crawl = Crawler(browser, "trainee", per_pattern=2, max_visits=60).crawl(["/"])
    return [form for page in crawl.pages() for form in forms_on(page.url, page.html or "")]


def test_a_clip_uploaded_through_one_server_streams_from_the_other(cluster: Cluster):
    first = cluster.browser(0, "trainee")
    upload = next(f for f in trainee_forms(first) if f.action.endswith("/clip") and f.file_fields)
    footage = MP4_HEADER + os.urandom(3 * MiB)
    before = cluster.objects()
    sent = first.post(
        upload.action,
        data=upload.filled(),
        files={upload.file_fields[0]: ("visit.mp4", footage, "video/mp4")},
    )
    assert sent.status_code == 302, sent.text[:1000]
    added = {key: size for key, size in cluster.objects().items() if key not in before}
    assert len(added) == 1 and next(iter(added.values())) > len(footage)  # sealed: tags added
    sealed = cluster.s3.client().get_object(Bucket=BUCKET, Key=next(iter(added)))["Body"].read()
    assert footage[-4096:] not in sealed and footage[1 * MiB : 1 * MiB + 4096] not in sealed

    second = on_other(first, cluster.urls[1])
    whole = second.get(upload.action)
    assert whole.status_code == 200 and whole.content == footage
    middle = second.get(upload.action, headers={"Range": "bytes=1500000-2600000"})
    assert middle.status_code == 206, middle.text[:500]
    assert middle.content == footage[1500000:2600001]
    assert middle.headers["Content-Range"] == f"bytes 1500000-2600000/{len(footage)}"
    tail = second.get(upload.action, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == footage[-100:]


def test_failed_sign_ins_on_one_server_are_limited_on_the_other(cluster: Cluster):
    email, password = cluster.template.accounts["supervisor"]
    for _ in range(3):
        failed = cluster.browser(0).submit("/login", "/login", {"email": email, "password": "no"})
        assert failed.status_code == 422 and "Too many attempts" not in failed.text
    # Server B has seen none of them, yet even the right password is refused there now.
    limited = cluster.browser(1).submit("/login", "/login", {"email": email, "password": password})
    assert limited.status_code == 429, limited.text[:1000]
    assert "Too many attempts" in limited.text


def test_a_portfolio_asked_for_on_one_server_is_rendered_by_the_worker(cluster: Cluster):
    first = cluster.browser(0, "trainee")
    ask = next(f for f in trainee_forms(first) if f.action.endswith("/portfolio"))
    asked = first.post(ask.action, data=ask.filled())
    assert asked.status_code == 302, asked.text[:1000]
    page = asked.headers["Location"].removeprefix(cluster.urls[0])
    second = on_other(first, cluster.urls[1])
    deadline = time.monotonic() + 120
    while f"{page}/pdf" not in (shown := second.get(page)).text:
        assert "could not be prepared" not in shown.text, shown.text[:2000]
        assert time.monotonic() < deadline, "the worker did not render it within two minutes"
        time.sleep(0.5)
    pdf = second.get(f"{page}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    first_page = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Accreditation portfolio" in first_page
    worker_log = (cluster.folder / "worker.log").read_text(errors="replace")
    assert "build_portfolio" in worker_log  # the worker's job, not a thread of either server


def _film_row(cluster: Cluster, film_id: int) -> tuple[object, ...]:
    engine = create_engine(cluster.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT clip_key, clip_bytes, clip_wrapped_key FROM films WHERE id = :id"),
                {"id": film_id},
            ).one()
    finally:
        engine.dispose()
    return tuple(row)


def _start_upload(browser: Browser, action: str, token: str, size: int) -> socket.socket:
    """Begin a multipart upload of `size` bytes of clip and send its first 12 MiB only."""
    boundary = "attune-two-servers"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="clip"; filename="big.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = browser.open_upload(action, boundary, len(head) + size + len(tail), head)
    connection.sendall(mp4_bytes(MiB))
    for _ in range(11):
        connection.sendall(b"\x01" * MiB)
    return connection


def test_a_server_stopped_mid_upload_loses_nothing_and_leaves_nothing(cluster: Cluster):
    assert cluster.start is not None
    trainee = cluster.browser(1, "trainee")
    upload = next(f for f in trainee_forms(trainee) if f.action.endswith("/clip") and f.file_fields)
    footage = MP4_HEADER + os.urandom(MiB)
    kept = trainee.post(
        upload.action,
        data=upload.filled(),
        files={upload.file_fields[0]: ("kept.mp4", footage, "video/mp4")},
    )
    assert kept.status_code == 302, kept.text[:1000]
    film_id = int(upload.action.split("/")[2])
    before = (cluster.objects(), _film_row(cluster, film_id))

    port = free_port()
    with cluster.start("server-stopped", port) as doomed:
        url = f"http://127.0.0.1:{port}"
        token = dict(upload.filled())["csrf_token"]
        connection = _start_upload(on_other(trainee, url), upload.action, token, 40 * MiB)
        doomed.send_signal(signal.SIGTERM)
        doomed.wait(timeout=30)
        connection.close()

    assert (cluster.objects(), _film_row(cluster, film_id)) == before
    assert cluster.open_uploads() == []
    still = on_other(trainee, cluster.urls[0]).get(upload.action)
    assert still.status_code == 200 and still.content == footage


def test_a_browser_that_gives_up_mid_upload_leaves_nothing(cluster: Cluster):
    trainee = cluster.browser(0, "trainee")
    upload = next(f for f in trainee_forms(trainee) if f.action.endswith("/clip") and f.file_fields)
    film_id = int(upload.action.split("/")[2])
    before = (cluster.objects(), _film_row(cluster, film_id))
    token = dict(upload.filled())["csrf_token"]
    connection = _start_upload(trainee, upload.action, token, 40 * MiB)
    connection.close()  # the phone lost its signal after 12 MiB
    # The server answers the next request as before, and has stored nothing of the upload.
    assert trainee.get(f"/films/{film_id}").status_code == 200
    deadline = time.monotonic() + 30
    while cluster.open_uploads() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (cluster.objects(), _film_row(cluster, film_id)) == before
    assert cluster.open_uploads() == []


def test_two_uploads_at_once_leave_one_clip_and_nothing_behind(cluster: Cluster):
    """Two tabs (one on each server) replace the same film's clip at the same instant: the later
    wins, and the earlier's copy is deleted with the clip both replaced."""
    trainee = cluster.browser(0, "trainee")
    upload = next(f for f in trainee_forms(trainee) if f.action.endswith("/clip") and f.file_fields)
    film_id = int(upload.action.split("/")[2])
    tabs = [trainee, on_other(trainee, cluster.urls[1])]
    footage = [MP4_HEADER + os.urandom(4 * MiB) for _ in tabs]
    start = threading.Barrier(len(tabs))

    def send(tab: Browser, data: bytes) -> int:
        start.wait()
        files = {upload.file_fields[0]: ("tab.mp4", data, "video/mp4")}
        return tab.post(upload.action, data=upload.filled(), files=files).status_code

    with ThreadPoolExecutor(len(tabs)) as pool:
        answers = list(pool.map(send, tabs, footage))
    assert answers == [302, 302]
    served = trainee.get(upload.action)
    assert served.status_code == 200 and served.content in footage
    key = str(_film_row(cluster, film_id)[0])
    assert list(cluster.objects()) == [cluster.prefix + key]  # the winner's clip, nothing else
