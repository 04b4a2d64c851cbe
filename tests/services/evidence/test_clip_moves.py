"""`flask clips ...`: keys made, clips moved from the folder into a real S3 server (sealing
plain ones), verified, resumable; data keys re-wrapped without touching the footage."""

import io
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Film
from app.services.evidence import clip_moves, clips
from app.storage import clip_storage
from app.storage.keys import ring_from_settings
from tests.builders.evidence import build_world, mp4_bytes
from tests.builders.web import committed


@pytest.fixture
def app_settings(app_settings, tmp_path, s3_server):
    app_settings.update(
        CLIP_STORAGE_DIR=str(tmp_path / "clips"),
        CLIP_KEYS="",
        CLIP_KEY_FILE=str(tmp_path / "clip-keys"),
        **{
            k: v
            for k, v in s3_server.settings(s3_server.new_prefix()).items()
            if k != "CLIP_STORAGE"
        },
    )
    return app_settings


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return build_world()


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def restarted(app_settings, more_apps):
    """The app as the servers start it again (the key file and store settings read anew)."""
    return lambda **changes: more_apps({**app_settings, **changes})


def _plain_clip(app, world, data: bytes) -> str:
    """A clip stored plain in the folder, as uploads were before sealing began."""
    store = clip_storage().store
    key = "00aa11bb22cc33dd"
    store.put(key, [data])
    film = db.session.get(Film, world.film_id)
    film.clip_key, film.clip_bytes, film.clip_store = key, len(data), "local"
    film.clip_content_type = "video/mp4"
    db.session.commit()
    return key


def _keyed_with_plain_clip(app, world, restarted, data: bytes, **changes):
    """A key "k1" made, the servers started again with it, and a plain clip of `data` on the
    world's film: the app, the clip's key and the folder holding it."""
    _run(app, "clips", "create-key", "--id", "k1")
    app = restarted(**changes)
    with committed(app):
        return app, _plain_clip(app, world, data), clip_storage().stores["local"]


def test_create_key_writes_an_owner_only_file_and_keeps_it(app, app_settings):
    assert "Added key first" in _run(app, "clips", "create-key", "--id", "first").output
    path = Path(app_settings["CLIP_KEY_FILE"])
    assert path.stat().st_mode & 0o777 == 0o600
    assert "already" in _run(app, "clips", "create-key", "--if-missing").output
    _run(app, "clips", "create-key", "--id", "second")
    ring = ring_from_settings(app_settings)
    assert ring is not None and (ring.ids, ring.current) == (["first", "second"], "second")


def test_migrate_seals_plain_clips_into_s3_verified_and_resumable(
    app, app_settings, world, restarted
):
    data = mp4_bytes(300_000)
    app, old_key, folder = _keyed_with_plain_clip(app, world, restarted, data)
    result = _run(app, "clips", "migrate", "--to", "s3")
    assert result.exit_code == 0, result.output
    assert f"film #{world.film_id}" in result.output and "verified" in result.output
    with committed(app):
        film = db.session.get(Film, world.film_id)
        assert (film.clip_store, film.clip_key_id) == ("s3", "k1") and film.clip_key != old_key
        moved = clips.stored(film)
        assert clip_storage().open(moved).read() == data
        assert not folder.exists(old_key)
        assert db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "clip.moved")
        ).all() == ["clip.moved"]
    again = _run(app, "clips", "migrate", "--to", "s3")
    assert "Moved 0 clip(s)" in again.output  # nothing left to move


def test_migrate_seals_plain_clips_in_place_when_the_folder_stays(app, world, restarted):
    data = mp4_bytes(200_000)
    app, old_key, folder = _keyed_with_plain_clip(app, world, restarted, data, CLIP_STORAGE="local")
    result = _run(app, "clips", "migrate", "--to", "local")
    assert result.exit_code == 0, result.output
    with committed(app):
        film = db.session.get(Film, world.film_id)
        assert (film.clip_store, film.clip_key_id) == ("local", "k1") and film.clip_key != old_key
        assert not folder.exists(old_key)
        on_disk = folder.read(film.clip_key, 0, 10**6)
        assert data[100:1100] not in on_disk and len(on_disk) > len(data)  # sealed at rest
        assert clip_storage().open(clips.stored(film)).read() == data


def test_a_clip_that_cannot_be_read_stays_where_it_was(app, app_settings, world, restarted):
    app, key, folder = _keyed_with_plain_clip(app, world, restarted, mp4_bytes(10_000))
    folder.delete(key)  # the file went missing
    result = _run(app, "clips", "migrate", "--to", "s3")
    assert result.exit_code == 1 and f"FAILED film #{world.film_id}" in result.output
    with committed(app):
        assert db.session.get(Film, world.film_id).clip_store == "local"


def test_a_clip_replaced_meanwhile_keeps_the_persons_change(app, app_settings, world, restarted):
    _run(app, "clips", "create-key", "--id", "k1")
    app = restarted()
    with committed(app):
        old = _plain_clip(app, world, mp4_bytes(10_000))
        film = db.session.get(Film, world.film_id)
        stale = clips.stored(film)
        film.clip_key = "ffee0011"  # a person uploaded another clip just now
        db.session.commit()
        assert not clip_moves._point_at(
            film.id,
            stale,
            stale.__class__("abcd", stale.size, "s3", clip_storage().keys().wrap(b"k" * 32)),
        )
        assert db.session.get(Film, world.film_id).clip_key == "ffee0011"
        assert clip_storage().store.exists(old)


def test_rotate_key_rewraps_every_data_key_and_the_clips_still_open(
    app, app_settings, world, restarted
):
    _run(app, "clips", "create-key", "--id", "old")
    app = restarted(CLIP_STORAGE="local")
    data = mp4_bytes(100_000)
    with committed(app):
        film = db.session.get(Film, world.film_id)
        clips.attach_clip(
            film.cycle.case.enrolment.trainee,
            film,
            io.BytesIO(data),
            clip_storage(),
            10**6,
            ("video/mp4",),
        )
        db.session.commit()
        before = bytes(db.session.get(Film, world.film_id).clip_wrapped_key)
    _run(app, "clips", "create-key", "--id", "new")
    app = restarted(CLIP_STORAGE="local")
    result = _run(app, "clips", "rotate-key")
    assert result.exit_code == 0, result.output
    assert "Re-wrapped 1 data key(s) under new" in result.output
    with committed(app):
        film = db.session.get(Film, world.film_id)
        assert film.clip_key_id == "new" and bytes(film.clip_wrapped_key) != before
        assert clip_storage().open(clips.stored(film)).read() == data
    # The old key may now leave the file.
    path = Path(app_settings["CLIP_KEY_FILE"])
    path.write_text("".join(k for k in path.read_text().splitlines(True) if k.startswith("new ")))
    app = restarted(CLIP_STORAGE="local")
    with committed(app):
        film = db.session.get(Film, world.film_id)
        assert clip_storage().open(clips.stored(film)).read() == data


def test_abort_abandoned_ends_unfinished_uploads(app, app_settings, s3_server, restarted):
    app = restarted(CLIP_STORAGE="s3", CLIP_KEYS="k=" + "A" * 43 + "=")
    with app.app_context():
        store = clip_storage().store
        store.client.create_multipart_upload(Bucket=store.bucket, Key=f"{store.prefix}deadbeef")
    assert "Aborted 0" in _run(app, "clips", "abort-abandoned", "--hours", "1").output
    assert "Aborted 1" in _run(app, "clips", "abort-abandoned", "--hours", "0").output
    listed = store.client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
    assert listed.get("Uploads", []) == []


def test_abort_abandoned_removes_old_partial_files_from_the_folder(app, restarted):
    """What a folder upload killed half-way leaves (its `.part` file) goes once old enough;
    an upload still being written, and every clip, stay."""
    app = restarted(CLIP_STORAGE="local", CLIP_KEYS="k=" + "A" * 43 + "=")
    with app.app_context():
        store = clip_storage().store
        kept = clip_storage().save(io.BytesIO(mp4_bytes(2_000)), 10_000)
        root = Path(store.root)
        old, fresh = root / ".0badc0de.part", root / ".0fresh0.part"
        old.write_bytes(b"sealed bytes of a killed upload")
        fresh.write_bytes(b"an upload still arriving")
        two_hours_ago = time.time() - 2 * 3600
        os.utime(old, (two_hours_ago, two_hours_ago))
    assert "Aborted 1 " in _run(app, "clips", "abort-abandoned", "--hours", "1").output
    assert not old.exists() and fresh.exists()
    with app.app_context():
        assert clip_storage().open(kept).read() == mp4_bytes(2_000)
