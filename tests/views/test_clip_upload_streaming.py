"""Clip uploads read as they arrive: hostile and broken forms get a clear 4xx and leave nothing
in either store; only the clip field's first file is stored; the limit holds without spooling."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Film
from tests.builders.clip_pages import (
    CLIP_LIMIT,
    app_settings,  # noqa: F401 (a fixture: both stores)
    left_in_store,
    post_body,
    upload,
)
from tests.builders.evidence import MP4_HEADER, build_world, mp4_bytes
from tests.builders.people import DEFAULT_PASSWORD
from tests.builders.web import committed, sign_in

BOUNDARY = "----attune-test-boundary"


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return build_world()


def _part(name: str, value: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if filename is not None:
        head += "Content-Type: application/octet-stream\r\n"
    return head.encode("utf-8") + b"\r\n" + value + b"\r\n"


def _form(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _nothing_kept(app, world) -> None:
    with committed(app):
        assert not db.session.get(Film, world.film_id).has_clip
        uploaded = select(AuditEvent.id).where(AuditEvent.action == "clip.uploaded")
        assert db.session.scalars(uploaded).all() == []
    assert left_in_store(app) == []


def _served(client, world) -> bytes:
    response = client.get(f"/films/{world.film_id}/clip")
    body = response.get_data()
    response.close()
    assert response.status_code == 200
    return body


def test_a_clip_past_the_limit_that_its_length_did_not_betray_is_refused_and_leaves_nothing(
    app, client, world
):
    """The body's length fits the limit's envelope; the clip itself is one byte too large."""
    sign_in(client, world.trainee)
    response = upload(client, world.film_id, mp4_bytes(CLIP_LIMIT + 1))
    assert response.status_code == 422
    assert "The clip is larger than" in response.get_data(as_text=True)
    _nothing_kept(app, world)
    exactly = upload(client, world.film_id, mp4_bytes(CLIP_LIMIT))
    assert exactly.status_code == 302
    assert _served(client, world) == mp4_bytes(CLIP_LIMIT)


def test_only_the_first_file_of_the_clip_field_is_stored(app, client, world):
    """A file under another name before it, and a second clip after it, are read and dropped."""
    sign_in(client, world.trainee)
    footage = MP4_HEADER + bytes(range(256)) * 200
    body = _form(
        _part("other", b"%PDF-1.4 " * 5000, "decoy.pdf"),
        _part("clip", footage, "real.mp4"),
        _part("clip", mp4_bytes(20_000), "second.mp4"),
    )
    response = post_body(client, world.film_id, body, MULTIPART)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _served(client, world) == footage
    assert len(left_in_store(app)) == 1


@pytest.mark.parametrize("length", [1, 70, 72, 200])
def test_a_boundary_longer_than_the_rfc_allows_is_still_read(app, client, world, length):
    """Senders write longer boundaries than RFC 2046's 70 characters: Werkzeug's test encoder
    does about once in 500 forms (a flaky upload in CI), so up to 200 are read."""
    sign_in(client, world.trainee)
    boundary = ("-" * 40 + "x" * 200)[-length:]
    footage = mp4_bytes(20_000)
    body = _form(_part("clip", footage, "clip.mp4")).replace(BOUNDARY.encode(), boundary.encode())
    response = post_body(client, world.film_id, body, f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _served(client, world) == footage


def test_a_body_cut_short_answers_400_and_leaves_nothing(app, client, world):
    """The phone lost its signal after 100 kB of the clip: the part already sealed into the
    store is removed."""
    sign_in(client, world.trainee)
    whole = _form(_part("clip", mp4_bytes(150_000), "clip.mp4"))
    response = post_body(client, world.film_id, whole[:100_000], MULTIPART)
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.get_data(as_text=True)
    _nothing_kept(app, world)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", _form(_part("clip", mp4_bytes(20_000), "a.mp4"))),
        (f"multipart/form-data; boundary={'b' * 201}", b"--" + b"b" * 201 + b"--\r\n"),
        (MULTIPART, _form(_part("csrf_token", b"t" * 5000), _part("clip", mp4_bytes(9000), "a"))),
        (MULTIPART, _form(*[_part(f"f{n}", b"x") for n in range(20)])),
        (MULTIPART, f"--{BOUNDARY}\r\nContent-Type: video/mp4\r\n\r\nx\r\n--{BOUNDARY}--".encode()),
        (MULTIPART, b"\x00\xff\xfe garbage, not a form \x00" * 100),
        (MULTIPART, f"--{BOUNDARY}\r\nX: {'y' * 5000}\r\n\r\n".encode()),
    ],
    ids=[
        "no-boundary",
        "boundary-too-long",
        "field-too-large",
        "too-many-parts",
        "part-without-name",
        "nul-bytes",
        "header-too-long",
    ],
)
def test_malformed_forms_answer_400_in_the_house_style_and_leave_nothing(
    app, client, world, content_type, body
):
    sign_in(client, world.trainee)
    response = post_body(client, world.film_id, body, content_type)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<h1>Bad request</h1>" in page and "Traceback" not in page
    _nothing_kept(app, world)


@pytest.mark.parametrize(
    "filename",
    ["名前 😀.mp4", "\u202egnp.mp4", "a\x00b.mp4", "..\\..\\etc\\passwd", ""],
    ids=["non-latin", "right-to-left", "nul", "path", "empty-name"],
)
def test_hostile_file_names_change_nothing_but_the_name(app, client, world, filename):
    """The name a browser sends is never used to store anything; an empty name is no file."""
    sign_in(client, world.trainee)
    footage = mp4_bytes(30_000)
    response = upload(client, world.film_id, footage, filename)
    if filename:
        assert response.status_code == 302
        assert _served(client, world) == footage
    else:
        assert response.status_code == 422
        assert "Choose a video file." in response.get_data(as_text=True)
        _nothing_kept(app, world)


def test_a_body_that_is_not_multipart_is_a_form_without_a_file(app, client, world):
    sign_in(client, world.trainee)
    response = post_body(
        client, world.film_id, b"clip=x" * 1000, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 422
    assert "Choose a video file." in response.get_data(as_text=True)
    _nothing_kept(app, world)


@pytest.mark.parametrize(
    "forged", [b"forged", b"\x00", b"\xff\xfe\x00 not utf-8"], ids=["wrong", "nul", "bytes"]
)
def test_a_forged_upload_is_stored_nowhere(app_settings, more_apps, world, forged):  # noqa: F811
    """With CSRF checked (as in production), a clip posted without the page's token (a wrong
    one, a NUL byte, bytes that are not UTF-8) is read (and sealed as it arrives) but never
    kept: what was stored is removed."""
    guarded = more_apps({**app_settings, "WTF_CSRF_ENABLED": True})
    client = guarded.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)
    assert token is not None
    signed_in = client.post(
        "/login",
        data={"email": world.trainee, "password": DEFAULT_PASSWORD, "csrf_token": token[1]},
    )
    assert signed_in.status_code == 302
    body = _form(_part("csrf_token", forged), _part("clip", mp4_bytes(50_000), "a.mp4"))
    response = post_body(client, world.film_id, body, MULTIPART)
    assert response.status_code in (400, 422)
    assert "Traceback" not in response.get_data(as_text=True)
    _nothing_kept(guarded, world)
