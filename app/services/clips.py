"""Short clips uploaded to a film: stored by stream, checked by their bytes, viewed on record."""

from typing import BinaryIO

import filetype

from app.extensions import db
from app.models import Film, User
from app.models.base import utcnow
from app.services import audit
from app.services.errors import RuleViolation
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


def record_view(actor: User, film: Film) -> None:
    """Every view of a clip is in the audit log."""
    audit.record(actor, "clip.viewed", "film", film.id)
