"""Write audit entries, chained by hash, in the same transaction as the change they describe;
redact entries for an erasure."""

from collections.abc import Collection
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import null, select, update

from app.extensions import db
from app.models import AuditEvent, User
from app.models.base import utcnow
from app.services import audit_chain

_REDACT_BATCH = 500


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


def record(
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit entry (who, what, when, before and after) and flush it."""
    before_state = _plain(before) if before is not None else None
    after_state = _plain(after) if after is not None else None
    salt = audit_chain.new_salt()
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=before_state,
        after=after_state,
        payload_salt=salt,
        payload_digest=audit_chain.payload_digest(salt, before_state, after_state),
    )
    db.session.flush()  # write pending changes before taking the chain's lock
    event.prev_hash = audit_chain.last_hash_for_append()
    event.hash = audit_chain.entry_hash(event, event.prev_hash)
    db.session.add(event)
    db.session.flush()
    return event


def newest_mark() -> tuple[int, str] | None:
    """The newest entry's id and hash: what changes whenever anything is recorded, hence a mark
    of "anything changed" for what is gathered from many tables (the pipeline dashboard).

    Sound as a change counter because every change of state is recorded in the same transaction
    as the change, and appends are serialised by the chain's lock, held until commit: an entry
    becomes visible only after every entry before it has committed (or rolled back), so the
    newest visible entry covers every committed change. The hash tells apart two entries that
    reuse an id after a rollback (SQLite)."""
    newest = db.session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (newest.id, newest.hash) if newest else None


def redact(event_ids: Collection[int], recorded_by: AuditEvent) -> int:
    """Remove the states (and their salt) of earlier entries; `recorded_by` is the later entry
    that says, under `audit_chain.REDACTIONS_KEY`, how many entries it redacts."""
    if audit_chain.declared_redactions(recorded_by) != len(event_ids):
        raise ValueError("the recording entry must state how many entries are redacted")
    if any(event_id >= recorded_by.id for event_id in event_ids):
        raise ValueError("only entries older than the recording entry can be redacted")
    if not event_ids:
        return 0
    db.session.flush()
    ids, now = sorted(event_ids), utcnow()
    for start in range(0, len(ids), _REDACT_BATCH):
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id.in_(ids[start : start + _REDACT_BATCH]))
            .values(
                before=null(),
                after=null(),
                payload_salt=None,
                redacted_at=now,
                redacted_by_id=recorded_by.id,
            ),
            execution_options={"synchronize_session": False},
        )
    # The bulk update bypassed entries loaded in the session: read them afresh when used.
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, AuditEvent) and loaded.id in event_ids:
            db.session.expire(loaded)
    return len(ids)
