"""Cycles, films, moments and clips through the pages: rules, uploads, ranges and consent."""

import re

import pytest
from gunicorn.http.wsgi import FileWrapper as GunicornFileWrapper
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Cycle, Element, Film, Moment, Principle
from tests.builders.clip_pages import (
    app_settings,  # noqa: F401 (a fixture: both stores)
    left_in_store,
    upload,
)
from tests.builders.evidence import build_world, mp4_bytes
from tests.builders.web import committed, sign_in


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return build_world()


def _count(app, model):
    with committed(app):
        return db.session.scalar(select(func.count()).select_from(model))


def _clip(client, world, **kwargs):
    """GET the clip, reading and closing the response (it streams an open file)."""
    response = client.get(f"/films/{world.film_id}/clip", **kwargs)
    response.get_data()
    response.close()
    return response


def _upload(client, world, data, name="clip.mp4"):
    return upload(client, world.film_id, data, name)


def test_cycle_with_review_before_filming_is_refused_beside_the_field(app, client, world):
    sign_in(client, world.trainee)
    before = _count(app, Cycle)
    response = client.post(
        f"/cases/{world.case_id}/cycles/new",
        data={
            "filmed_on": "2026-03-10",
            "shared_review_on": "2026-03-01",
            "micro_analysis_done": "y",
        },
    )
    assert response.status_code == 422
    assert "The shared review cannot be before the filming." in response.get_data(as_text=True)
    assert _count(app, Cycle) == before


def test_cycle_notes_naming_someone_need_confirmation(app, client, world):
    sign_in(client, world.trainee)
    data = {"filmed_on": "2026-03-10", "notes": "Jamie Smith smiled at her dad"}
    first = client.post(f"/cases/{world.case_id}/cycles/new", data=data)
    assert first.status_code == 422
    page = first.get_data(as_text=True)
    assert "“Jamie Smith” looks like a person&#39;s name." in page
    assert _count(app, Cycle) == 1
    confirmed = client.post(
        f"/cases/{world.case_id}/cycles/new", data=data | {"confirm_identifying": "y"}
    )
    assert confirmed.status_code == 302
    assert _count(app, Cycle) == 2


def test_film_recorded_and_moments_listed_in_time_order(app, client, world):
    sign_in(client, world.trainee)
    with committed(app):
        principle_id = db.session.scalars(
            select(Principle.id).where(Principle.code == "guiding")
        ).first()
    for start, end in (("2:00", "2:10"), ("0:45", "0:52.5")):
        response = client.post(
            f"/films/{world.film_id}/moments",
            data={
                "start": start,
                "end": end,
                "principle": principle_id,
                "element": 0,
                "note": "scaffolding",
            },
        )
        assert response.status_code == 302
    page = client.get(f"/films/{world.film_id}").get_data(as_text=True)
    assert page.index("0:45\u20130:52.5") < page.index("2:00\u20132:10")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("0:50", "0:40", "The end must come after the start."),
        ("9:50", "10:01", "The moment ends after the film does."),
        ("abc", "0:10", "Give a time like 1:05 or 65.5 (seconds)."),
    ],
)
def test_bad_moments_are_refused_and_nothing_saved(app, client, world, start, end, message):
    sign_in(client, world.trainee)
    with committed(app):
        principle_id = db.session.scalars(select(Principle.id)).first()
    response = client.post(
        f"/films/{world.film_id}/moments",
        data={"start": start, "end": end, "principle": principle_id, "element": 0},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, Moment) == 0


def test_upload_is_checked_by_its_bytes(app, client, world):
    sign_in(client, world.trainee)
    response = _upload(client, world, b"%PDF-1.4 not a video" * 10, "clip.mp4")
    assert response.status_code == 422
    assert "Upload an MP4, WebM or QuickTime video." in response.get_data(as_text=True)
    with committed(app):
        assert not db.session.get(Film, world.film_id).has_clip


def test_too_large_upload_gets_413_and_nothing_is_saved(app, client, world, tmp_path):
    sign_in(client, world.trainee)
    response = _upload(client, world, mp4_bytes(400_000))
    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.get_data(as_text=True)
    with committed(app):
        assert not db.session.get(Film, world.film_id).has_clip
    clip_dir = tmp_path / "clips"
    assert not clip_dir.exists() or list(clip_dir.iterdir()) == []
    assert left_in_store(app) == []


def test_clip_is_served_with_ranges_and_each_viewing_audited(app, client, world):
    sign_in(client, world.trainee)
    data = mp4_bytes(150_000)
    assert _upload(client, world, data).status_code == 302
    whole = _clip(client, world)
    assert whole.status_code == 200 and whole.data == data
    assert whole.headers["Content-Type"] == "video/mp4"
    part = _clip(client, world, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206
    assert part.data == data[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    with committed(app):
        views = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "clip.viewed")
        )
    assert views == 1


def test_a_range_from_the_middle_reads_only_its_chunks_under_gunicorns_file_wrapper(
    app, client, world
):
    """gunicorn puts a file wrapper in the environ that cannot seek: served through it, a range
    from the middle of a clip was read and opened from its first byte."""
    app.config["CLIP_MAX_BYTES"] = 8 * 1024 * 1024
    sign_in(client, world.trainee)
    data = mp4_bytes(6 * 1024 * 1024)
    assert _upload(client, world, data).status_code == 302
    store = app.extensions["clip_storage"].store
    read, fetched = store.read, []

    def counted(key, start, length):
        fetched.append(length)
        return read(key, start, length)

    store.read = counted  # the real store, its reads counted
    try:
        part = client.get(
            f"/films/{world.film_id}/clip",
            headers={"Range": "bytes=5000000-5099999"},
            environ_overrides={"wsgi.file_wrapper": GunicornFileWrapper},
        )
        body = part.get_data()
        part.close()
    finally:
        del store.read
    assert part.status_code == 206 and body == data[5000000:5100000]
    assert sum(fetched) < 1_200_000  # one window of chunks, not the five megabytes before it


def _views_by(app, email):
    with committed(app):
        return db.session.scalars(
            select(AuditEvent)
            .join(AuditEvent.actor)
            .where(AuditEvent.action == "clip.viewed", AuditEvent.actor.has(email=email))
        ).all()


@pytest.mark.parametrize("first_range", ["bytes=-100", "bytes=00-", "bytes=1-", "bytes=5000-5999"])
def test_a_viewing_that_begins_anywhere_in_the_clip_is_audited_once(
    app, client, world, first_range
):
    trainee = app.test_client()
    sign_in(trainee, world.trainee)
    data = mp4_bytes(150_000)
    assert _upload(trainee, world, data).status_code == 302
    sign_in(client, world.supervisor)

    first = _clip(client, world, headers={"Range": first_range})
    assert first.status_code == 206 and len(first.data) > 0
    for later in ("bytes=0-", "bytes=70000-", "bytes=-10", None):
        _clip(client, world, headers={"Range": later} if later else {})

    views = _views_by(app, world.supervisor)
    assert len(views) == 1
    assert views[0].after == {"range": first_range}
    assert views[0].subject_id == world.film_id


def test_clip_follows_consent_scopes(app, client, world):
    trainee = app.test_client()
    sign_in(trainee, world.trainee)
    assert _upload(trainee, world, mp4_bytes(10_000)).status_code == 302
    sign_in(client, world.supervisor)
    assert _clip(client, world).status_code == 200
    page = client.get(f"/films/{world.film_id}").get_data(as_text=True)
    assert "<video" in page
    response = trainee.post(
        f"/consents/{world.consent_id}/withdraw",
        data={"withdrawn_on": "2026-11-01", "remaining": ["filming"]},
    )
    assert response.status_code == 302
    assert _clip(client, world).status_code == 404
    assert "the consent does not let you see it" in client.get(f"/films/{world.film_id}").get_data(
        as_text=True
    )
    assert _clip(trainee, world).status_code == 200


def test_coordinators_and_strangers_never_see_the_clip(app, client, world):
    trainee = app.test_client()
    sign_in(trainee, world.trainee)
    _upload(trainee, world, mp4_bytes(10_000))
    sign_in(client, world.coordinator)
    assert client.get(f"/films/{world.film_id}").status_code == 200
    assert _clip(client, world).status_code == 404
    for stranger in (world.other_trainee, world.other_supervisor):
        other = app.test_client()
        sign_in(other, stranger)
        assert other.get(f"/films/{world.film_id}").status_code == 404
        assert _clip(other, world).status_code == 404


def test_deleting_a_clip_keeps_the_film_record(app, client, world):
    sign_in(client, world.trainee)
    _upload(client, world, mp4_bytes(10_000))
    assert len(left_in_store(app)) == 1
    assert client.post(f"/films/{world.film_id}/clip/delete").status_code == 302
    assert _clip(client, world).status_code == 404
    assert client.get(f"/films/{world.film_id}").status_code == 200
    assert left_in_store(app) == []


def test_deleting_a_film_removes_it_and_its_moments(app, client, world):
    sign_in(client, world.trainee)
    with committed(app):
        principle_id = db.session.scalars(select(Principle.id)).first()
    client.post(
        f"/films/{world.film_id}/moments",
        data={"start": "0:01", "end": "0:05", "principle": principle_id, "element": 0},
    )
    response = client.post(f"/films/{world.film_id}/delete")
    assert response.headers["Location"] == f"/cases/{world.case_id}"
    assert "Film deleted." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/films/{world.film_id}").status_code == 404
    assert _count(app, Moment) == 0


def test_each_element_option_names_its_principle_for_the_script_that_filters_them(
    app, client, world
):
    sign_in(client, world.trainee)
    page = client.get(f"/films/{world.film_id}").get_data(as_text=True)
    with committed(app):
        framework_id = db.session.get(Film, world.film_id).cycle.case.enrolment.scheme.framework_id
        elements = db.session.scalars(
            select(Element).join(Principle).where(Principle.framework_id == framework_id)
        ).all()
        expected = {(e.id, e.principle_id) for e in elements}
    form = re.search(r'<select[^>]* id="element"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option data-principle="(\d+)" value="(\d+)"', form)
    assert {(int(e), int(p)) for p, e in options} == expected
    assert '<option value="0">— none —</option>' in form
    # The filtering is a static file (no inline script or handler, for the CSP).
    assert '<script src="/static/moments.js" defer></script>' in page
    assert "<script>" not in page and not re.search(r"\son\w+=", page)


def test_an_element_of_another_principle_is_refused_beside_the_field(app, client, world):
    sign_in(client, world.trainee)
    with committed(app):
        framework_id = db.session.get(Film, world.film_id).cycle.case.enrolment.scheme.framework_id
        first, second = db.session.scalars(
            select(Principle).where(Principle.framework_id == framework_id).limit(2)
        ).all()
        principle_id, other_element_id = first.id, second.elements[0].id
    response = client.post(
        f"/films/{world.film_id}/moments",
        data={
            "start": "0:10",
            "end": "0:20",
            "principle": principle_id,
            "element": other_element_id,
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="element-error"' in page and "Choose an element of the chosen principle." in page
    assert _count(app, Moment) == 0


def test_a_clip_tampered_with_in_the_store_is_refused_not_served(app, client, world):
    sign_in(client, world.trainee)
    data = mp4_bytes(150_000)
    assert _upload(client, world, data).status_code == 302
    store = app.extensions["clip_storage"].store
    [key] = list(store.keys())
    sealed = bytearray(store.read(key, 0, 10**6))
    assert data[:1000] not in sealed  # sealed at rest
    sealed[100] ^= 0x01
    store.delete(key)
    store.put(key, [bytes(sealed)])
    response = _clip(client, world)
    assert response.status_code == 502
    assert "fails its integrity check" in response.get_data(as_text=True)
    assert data[:1000] not in response.data


def test_a_clip_in_a_store_this_server_lacks_answers_503_and_changes_nothing(
    app, client, world, caplog
):
    """As after clips moved to a store whose settings a server was not given: a clear page,
    nothing half-done, and a new upload still replaces the clip."""
    sign_in(client, world.trainee)
    assert _upload(client, world, mp4_bytes(10_000)).status_code == 302
    with committed(app):
        db.session.get(Film, world.film_id).clip_store = "elsewhere"
    viewings = _count(app, AuditEvent)
    response = _clip(client, world)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Clips unavailable" in page and "nothing was changed" in page
    assert _count(app, AuditEvent) == viewings  # no viewing recorded for bytes never sent
    assert client.post(f"/films/{world.film_id}/clip/delete").status_code == 503
    with committed(app):
        film = db.session.get(Film, world.film_id)
        assert film.has_clip and film.clip_store == "elsewhere"
    assert _upload(client, world, mp4_bytes(12_000)).status_code == 302
    served = _clip(client, world)
    assert served.status_code == 200 and served.data == mp4_bytes(12_000)
    assert "left in store 'elsewhere'" in caplog.text
