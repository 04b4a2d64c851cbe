"""Short clips uploaded to a film: stored by stream, checked by their bytes, viewed on record."""

from datetime import datetime, timedelta
from typing import BinaryIO

import filetype
from sqlalchemy import select
from sqlalchemy.exc import NoResultFound

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Film, User
from app.models.base import utcnow
from app.services import audit
from app.services.row_locks import locked
from app.storage import ClipStorage, ClipTooLarge, StoredClip
from app.storage.keys import WrappedKey

# Enough of a file's first bytes to tell its type (what `filetype` reads).
HEAD = 8192


def attach_clip(
    actor: User,
    film: Film,
    stream: BinaryIO,
    storage: ClipStorage,
    max_bytes: int,
    allowed_types: tuple[str, ...],
) -> StoredClip | None:
    """Store a clip read from `stream` for a film, sealed; returns the replaced clip for
    deletion after commit. Its type is told by its first bytes before anything is stored: a
    refused file leaves nothing behind, nor does one that grows past `max_bytes`."""
    head = read_head(stream)
    content_type = clip_type(head, allowed_types)
    try:
        saved = storage.save(stream, max_bytes, head=head)
    except ClipTooLarge as error:
        raise too_large(max_bytes) from error
    return keep_uploaded(actor, film, saved, content_type, storage)


def clip_type(head: bytes, allowed_types: tuple[str, ...]) -> str:
    """The type of a clip told by its first `HEAD` bytes (or all of a shorter one), when it is
    one of `allowed_types`; RuleViolation for any other file."""
    kind = filetype.guess(head) if head else None
    if kind is None or kind.mime not in allowed_types:
        raise clip_type_refusal()
    return str(kind.mime)


def clip_type_refusal() -> RuleViolation:
    """The refusal of a file that is not a video of an allowed type (or is empty)."""
    return RuleViolation("Upload an MP4, WebM or QuickTime video.", "clip")


def too_large(max_bytes: int) -> RuleViolation:
    """The refusal of a clip past the limit."""
    return RuleViolation(
        "The clip is larger than %(megabytes)s MB.", "clip", megabytes=max_bytes // (1024 * 1024)
    )


def keep_uploaded(
    actor: User, film: Film, saved: StoredClip, content_type: str, storage: ClipStorage
) -> StoredClip | None:
    """Make a clip already stored (sealed, of a checked type) the film's clip; returns the
    replaced clip for deletion after commit. If the film was deleted meanwhile the stored
    clip is deleted and refused."""
    # Re-read under a row lock: of two uploads at once, the later replaces (and so deletes) the
    # earlier's clip, not the one both began with, which would leave the earlier's behind.
    try:
        film = locked(film)
    except NoResultFound:
        storage.delete(saved.key, saved.store)
        raise RuleViolation(
            "This film was deleted meanwhile; the clip was not kept.", "clip"
        ) from None
    replaced = stored(film) if film.has_clip else None
    keep(film, saved)
    film.clip_content_type = content_type
    film.clip_uploaded_at, film.clip_deleted_at = utcnow(), None
    db.session.flush()
    audit.record(
        actor,
        "clip.uploaded",
        "film",
        film.id,
        after={
            "content_type": content_type,
            "bytes": saved.size,
            "replaced": bool(replaced),
            "store": saved.store,
            "key_id": saved.wrapped.key_id if saved.wrapped else None,
        },
    )
    return replaced


def read_head(stream: BinaryIO) -> bytes:
    """Up to the first `HEAD` bytes of `stream` (fewer only when it ends sooner)."""
    head = b""
    while len(head) < HEAD and (more := stream.read(HEAD - len(head))):
        head += more
    return head


def stored(film: Film) -> StoredClip:
    """Where a film's clip lies and how it opens."""
    if film.clip_key is None:
        raise RuleViolation("This film has no clip.")
    wrapped = None
    if film.clip_key_id is not None and film.clip_wrapped_key is not None:
        wrapped = WrappedKey(film.clip_key_id, bytes(film.clip_wrapped_key))
    return StoredClip(film.clip_key, film.clip_bytes or 0, film.clip_store or "local", wrapped)


def keep(film: Film, clip: StoredClip) -> None:
    """Record on the film where its clip now lies and its wrapped data key."""
    film.clip_key, film.clip_bytes, film.clip_store = clip.key, clip.size, clip.store
    film.clip_key_id = clip.wrapped.key_id if clip.wrapped else None
    film.clip_wrapped_key = clip.wrapped.sealed if clip.wrapped else None


def remove_clip(actor: User, film: Film, storage: ClipStorage, rule: str = "by hand") -> None:
    """Delete a film's clip; the film's metadata and moments stay."""
    if not film.has_clip or film.clip_key is None:
        raise RuleViolation("This film has no clip.")
    storage.delete(film.clip_key, film.clip_store)
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
