"""Each viewing of a clip is in the audit log once, however many ranged requests it takes."""

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Film, User
from app.models.base import utcnow
from app.services.evidence.clips import VIEWING, record_view
from tests.builders.evidence import build_world


def _count() -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "clip.viewed")
    return db.session.scalar(query)


def test_a_new_viewing_begins_once_the_last_one_is_older_than_the_window(ctx, schemes):
    world = build_world()
    film = db.session.get(Film, world.film_id)
    supervisor = db.session.scalar(select(User).where(User.email == world.supervisor))
    trainee = db.session.scalar(select(User).where(User.email == world.trainee))
    start = utcnow()

    assert record_view(supervisor, film, "bytes=-100", now=start)
    assert not record_view(supervisor, film, "bytes=0-", now=start + timedelta(minutes=1))
    # Another person's viewing of the same clip is their own.
    assert record_view(trainee, film, "", now=start + timedelta(minutes=1))
    assert _count() == 2
    # The window is measured from the recorded entry (its time is the clock's, not `now`).
    assert record_view(supervisor, film, "bytes=1-", now=utcnow() + VIEWING + timedelta(seconds=1))
    assert _count() == 3
