"""Clip uploads to the folder store over real HTTP (gunicorn), as clients send them: with a
length, in chunks without one, and cut off half-way; read as they arrive, nothing left over."""

import os
import time
from collections.abc import Callable, Iterator

import pytest

from tests.builders.evidence import MP4_HEADER
from tests.live.client import Browser
from tests.live.crawler import Crawler
from tests.live.page_forms import PageForm, forms_on
from tests.live.server import LiveServer

MiB = 1024 * 1024
BOUNDARY = "attune-live-clip"


@pytest.fixture(scope="module")
def clip_form(live_server: LiveServer) -> PageForm:
    trainee = Browser(live_server.url)
    trainee.sign_in(*live_server.accounts["trainee"])
    crawl = Crawler(trainee, "trainee", per_pattern=2, max_visits=60).crawl(["/"])
    forms = [form for page in crawl.pages() for form in forms_on(page.url, page.html or "")]
    return next(f for f in forms if f.action.endswith("/clip") and f.file_fields)


def _clips(live_server: LiveServer) -> list[str]:
    """Every file of the server's clip folder: clips, and partial files of uploads."""
    folder = live_server.log.parent / "clips"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _envelope(token: str) -> tuple[bytes, bytes]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="clip"; filename="f.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


def _served(browser: Browser, action: str) -> bytes:
    response = browser.get(action)
    assert response.status_code == 200
    return response.content


def test_a_clip_sent_in_chunks_without_a_length_is_stored_whole(
    live_server: LiveServer, browser_for: Callable[[str | None], Browser], clip_form: PageForm
):
    """A client that streams its body (Transfer-Encoding: chunked, as `curl -T -` or a script
    sends it) is read to its end like one that said its length."""
    trainee = browser_for("trainee")
    footage = MP4_HEADER + os.urandom(5 * MiB)
    head, tail = _envelope(trainee.csrf_token(clip_form.page))

    def body() -> Iterator[bytes]:  # a generator: requests sends it chunked
        yield head
        for start in range(0, len(footage), 300_001):
            yield footage[start : start + 300_001]
        yield tail

    answer = trainee.post(
        clip_form.action,
        data=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    assert _served(trainee, clip_form.action) == footage
    assert not [name for name in _clips(live_server) if name.endswith(".part")]


def test_an_upload_cut_off_half_way_leaves_no_partial_file(
    live_server: LiveServer, browser_for: Callable[[str | None], Browser], clip_form: PageForm
):
    trainee = browser_for("trainee")
    before = _clips(live_server)
    head, tail = _envelope(trainee.csrf_token(clip_form.page))
    length = len(head) + 40 * MiB + len(tail)
    first = head + MP4_HEADER + os.urandom(6 * MiB)
    with trainee.open_upload(clip_form.action, BOUNDARY, length, first):
        deadline = time.monotonic() + 30  # the server is sealing it into a partial file now
        while not any(n.endswith(".part") for n in _clips(live_server)):
            assert time.monotonic() < deadline, "no partial file while the upload arrived"
            time.sleep(0.05)
    # The phone lost its signal: the server stores nothing of it, and goes on answering.
    deadline = time.monotonic() + 30
    while _clips(live_server) != before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _clips(live_server) == before
    assert trainee.get(clip_form.page).status_code == 200
