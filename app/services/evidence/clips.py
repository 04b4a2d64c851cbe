"""Short clips uploaded to a film: stored by stream, checked by their bytes, viewed on record."""

from datetime import datetime, timedelta
from typing import BinaryIO

import filetype
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Film, User
from app.models.base import utcnow
from app.services import audit
from app.storage import ClipStorage, ClipTooLarge


def attach_clip(
    actor: User,
    film: Film,
    stream: BinaryIO,
    storage: ClipStorage,
    max_bytes: int,
    allowed_types: tuple[str, ...],
) -> str | None:
    """Store a clip for a film; returns the key of a replaced clip for deletion after commit."""
    try:
        key, size = storage.save(stream, max_bytes)
    except ClipTooLarge as error:
        raise RuleViolation(
            f"The clip is larger than {max_bytes // (1024 * 1024)} MB.", "clip"
        ) from error
    kind = filetype.guess(str(storage.path(key)))
    if kind is None or kind.mime not in allowed_types:
        storage.delete(key)
        raise RuleViolation("Upload an MP4, WebM or QuickTime video.", "clip")
    replaced = film.clip_key if film.has_clip else None
    film.clip_key, film.clip_content_type, film.clip_bytes = key, kind.mime, size
    film.clip_uploaded_at, film.clip_deleted_at = utcnow(), None
    db.session.flush()
    audit.record(
        actor,
        "clip.uploaded",
        "film",
        film.id,
        after={"content_type": kind.mime, "bytes": size, "replaced": bool(replaced)},
    )
    return replaced


def remove_clip(actor: User, film: Film, storage: ClipStorage, rule: str = "by hand") -> None:
    """Delete a film's clip; the film's metadata and moments stay."""
    if not film.has_clip or film.clip_key is None:
        raise RuleViolation("This film has no clip.")
    storage.delete(film.clip_key)
    film.clip_deleted_at = utcnow()
    db.session.flush()
    audit.record(actor, "clip.deleted", "film", film.id, after={"rule": rule})


# A player fetches a clip in many ranged requests (from the start, the end, or a byte it seeks
# to); one viewing is a person's deliveries of one clip until this long passes unrecorded.
VIEWING = timedelta(minutes=30)


def record_view(actor: User, film: Film, byte_range: str = "", now: datetime | None = None) -> bool:
    """Audit a delivery of a clip's bytes, whatever range it asks for: once per viewing. True
    when this delivery began a new viewing (and was recorded)."""
    since = (now or utcnow()) - VIEWING
    recorded = db.session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.action == "clip.viewed",
            AuditEvent.subject_type == "film",
            AuditEvent.subject_id == film.id,
            AuditEvent.actor_id == actor.id,
            AuditEvent.occurred_at >= since,
        )
        .limit(1)
    )
    if recorded is not None:
        return False
    audit.record(actor, "clip.viewed", "film", film.id, after={"range": byte_range[:100] or None})
    return True
