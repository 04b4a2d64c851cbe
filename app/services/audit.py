"""Write audit entries, chained by hash, in the same transaction as the change they describe."""

from datetime import date, datetime
from enum import Enum
from typing import Any

from app.extensions import db
from app.models import AuditEvent, User
from app.models.base import utcnow
from app.services import audit_chain


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
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )
    db.session.flush()  # write pending changes before taking the chain's lock
    event.prev_hash = audit_chain.last_hash_for_append()
    event.hash = audit_chain.entry_hash(event, event.prev_hash)
    db.session.add(event)
    db.session.flush()
    return event
