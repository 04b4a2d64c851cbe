"""Two people deciding the same thing at the same instant, over real HTTP: each browser has its
CSRF token in hand, a barrier releases both POSTs together, and each answer is read as the
person would see it (the page a redirect leads to, with its flashed message)."""

import threading
from dataclasses import dataclass, field

import requests
from bs4 import BeautifulSoup

from tests.live.client import Browser
from tests.live.server import LiveServer, text_has_trace


@dataclass
class Shot:
    """One person's request: from `page` (whose form gives the CSRF token) to `action`."""

    browser: Browser
    page: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Answer:
    """What the person got: the status of their POST and the text they then read."""

    status: int
    text: str

    def says(self, message: str) -> bool:
        """Whether the page shows this message."""
        return message in self.text


def _read(browser: Browser, response: requests.Response) -> Answer:
    page = response
    if response.status_code in (302, 303) and response.headers.get("Location"):
        page = browser.get(response.headers["Location"])
    body = page.text
    assert not text_has_trace(body), body[:2000]
    text = " ".join(BeautifulSoup(body, "lxml").get_text(" ").split())
    return Answer(response.status_code, text)


def fire(shots: list[Shot]) -> list[Answer]:
    """Send the shots at the same instant; their answers, in the same order."""
    tokens = [shot.browser.csrf_token(shot.page) for shot in shots]
    barrier = threading.Barrier(len(shots))
    responses: list[requests.Response | BaseException | None] = [None] * len(shots)

    def send(n: int) -> None:
        shot = shots[n]
        data = {"csrf_token": tokens[n], **shot.fields}
        barrier.wait()
        try:
            responses[n] = shot.browser.post(shot.action, data=data)
        except BaseException as error:  # re-raised below, in the test's own thread
            responses[n] = error

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(shots))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    answers = []
    for shot, response in zip(shots, responses, strict=True):
        if not isinstance(response, requests.Response):
            raise AssertionError(f"{shot.action}: no answer ({response!r})")
        answers.append(_read(shot.browser, response))
    return answers


def one_won(answers: list[Answer], landed: list[str], refused: list[str]) -> None:
    """Every answer is a page (never a server error); one says the decision landed, the other
    says, in words, why it was refused."""
    assert all(a.status < 500 for a in answers), [(a.status, a.text[:300]) for a in answers]
    winners = [a for a in answers if any(a.says(m) for m in landed)]
    losers = [a for a in answers if any(a.says(m) for m in refused)]
    summary = [(a.status, a.text[:600]) for a in answers]
    assert len(winners) == 1 and len(losers) == len(answers) - 1, summary


class LogWatch:
    """Whether the server logged a traceback since the watch began."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.start = len(server.errors_logged())

    def assert_quiet(self) -> None:
        """No new unhandled error in the log."""
        new = self.server.errors_logged()[self.start :]
        assert not new, "the server logged:\n" + self.server.log_text()[-8000:]
