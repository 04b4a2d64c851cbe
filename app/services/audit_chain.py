"""The audit log's hash chain: each entry carries the hash of the one before it.

The hash covers a canonical JSON serialisation of the entry (time, actor, action, subject,
before, after) and the previous entry's hash, so changing or removing any entry breaks every
hash after it. Entries are chained in id order.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from app.extensions import db
from app.models import AuditEvent

GENESIS = "0" * 64
# Any constant works; it only has to be the same for every writer of this database.
_ADVISORY_LOCK_KEY = 7_310_001


def canonical(
    prev_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    before: Any,
    after: Any,
) -> bytes:
    """The exact bytes an entry's hash is computed over."""
    document = {
        "prev": prev_hash,
        "at": occurred_at.isoformat(),
        "actor": actor_id,
        "action": action,
        "subject": [subject_type, subject_id],
        "before": before,
        "after": after,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(event: AuditEvent, prev_hash: str) -> str:
    """The hash an entry must carry, given the previous entry's hash."""
    return hashlib.sha256(
        canonical(
            prev_hash,
            event.occurred_at,
            event.actor_id,
            event.action,
            event.subject_type,
            event.subject_id,
            event.before,
            event.after,
        )
    ).hexdigest()


def last_hash_for_append() -> str:
    """The newest entry's hash, taking the chain's lock first so appends cannot fork."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    newest = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return newest or GENESIS


@dataclass(frozen=True)
class ChainCheck:
    """The result of verifying the chain."""

    entries: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def holds(self) -> bool:
        """Whether every entry checked out."""
        return self.broken_at is None


def _check(events: Iterator[AuditEvent]) -> ChainCheck:
    previous, count = GENESIS, 0
    for event in events:
        count += 1
        if event.prev_hash != previous:
            return ChainCheck(count, event.id, "its previous-hash does not match the entry before")
        if entry_hash(event, previous) != event.hash:
            return ChainCheck(count, event.id, "its content does not match its hash")
        previous = event.hash
    return ChainCheck(count)


def verify_chain() -> ChainCheck:
    """Recompute every hash in order (streamed); name the first entry that does not match."""
    result = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)
    )
    try:
        return _check(iter(result))
    finally:
        result.close()
