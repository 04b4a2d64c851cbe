"""The audit log's hash chain: each entry carries the hash of the one before it.

Each entry's states (before, after) are digested with a random salt of its own
(`payload_digest`); the entry's hash covers the previous entry's hash, its time, actor, action,
subject and that digest, so changing or removing any entry breaks every hash after it. Entries
are chained in id order.

The hash covers the digest rather than the states so that an erasure can redact an entry: it
removes the states and the salt, keeps the digest, and the chain still verifies. Without the
salt the digest cannot be used to confirm a guess of what the states were. A redaction is only
accepted when a later entry names how many entries it redacted (`REDACTIONS_KEY` in its after
state) and exactly that many redacted entries point at it: an entry redacted behind the
application's back is detected too. The database allows no other change to an entry
(migrations 0001 and 0008).

Migration 0008 moved the log from the first rule (the hash over the states themselves) to this
one: it verified every entry under the first rule, then salted, digested and re-chained them.
"""

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from app.extensions import db
from app.models import AuditEvent

GENESIS = "0" * 64
# The key of an entry's after state that says how many entries it redacted.
REDACTIONS_KEY = "redacted_entries"
# Any constant works; it only has to be the same for every writer of this database.
_ADVISORY_LOCK_KEY = 7_310_001


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def new_salt() -> str:
    """A fresh random salt for one entry's states."""
    return secrets.token_hex(16)


def payload_digest(salt: str | None, before: Any, after: Any) -> str:
    """The digest of an entry's states, salted."""
    return hashlib.sha256(_json({"salt": salt, "before": before, "after": after})).hexdigest()


def canonical(
    prev_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    digest: str,
) -> bytes:
    """The exact bytes an entry's hash is computed over."""
    document = {
        "prev": prev_hash,
        "at": occurred_at.isoformat(),
        "actor": actor_id,
        "action": action,
        "subject": [subject_type, subject_id],
        "payload": digest,
    }
    return _json(document)


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
            event.payload_digest,
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
    redacted: int = 0

    @property
    def holds(self) -> bool:
        """Whether every entry checked out."""
        return self.broken_at is None


def declared_redactions(event: AuditEvent) -> int | None:
    """How many entries this entry says it redacted (None: it redacted none)."""
    count = event.after.get(REDACTIONS_KEY) if isinstance(event.after, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def _entry_problem(event: AuditEvent, previous: str) -> str | None:
    if event.prev_hash != previous:
        return "its previous-hash does not match the entry before"
    if entry_hash(event, previous) != event.hash:
        return "its content does not match its hash"
    if not event.redacted:
        if event.redacted_by_id is not None:
            return "it names a redaction but is not redacted"
        if payload_digest(event.payload_salt, event.before, event.after) != event.payload_digest:
            return "its before and after states do not match their digest"
        return None
    if event.before is not None or event.after is not None or event.payload_salt is not None:
        return "it is marked redacted but still holds states"
    if event.redacted_by_id is None or event.redacted_by_id <= event.id:
        return "its redaction is not recorded by a later entry"
    return None


def _unaccounted(vouched: dict[int, list[int]], declared: dict[int, int]) -> ChainCheck | None:
    """The first redaction that the entry recording it does not account for."""
    for voucher in sorted(vouched.keys() | declared.keys()):
        named, said = vouched.get(voucher, []), declared.get(voucher, 0)
        if said != len(named):
            reason = (
                f"entry #{voucher} records {said} redactions, "
                f"but {len(named)} redacted entries name it"
            )
            return ChainCheck(0, named[0] if named else voucher, reason)
    return None


def _check(events: Iterator[AuditEvent]) -> ChainCheck:
    previous, count = GENESIS, 0
    vouched: dict[int, list[int]] = {}
    declared: dict[int, int] = {}
    for event in events:
        count += 1
        problem = _entry_problem(event, previous)
        if problem:
            return ChainCheck(count, event.id, problem)
        if event.redacted_by_id is not None:
            vouched.setdefault(event.redacted_by_id, []).append(event.id)
        elif (said := declared_redactions(event)) is not None:
            declared[event.id] = said
        previous = event.hash
    redacted = sum(len(ids) for ids in vouched.values())
    unaccounted = _unaccounted(vouched, declared)
    if unaccounted is not None:
        return ChainCheck(count, unaccounted.broken_at, unaccounted.reason, redacted)
    return ChainCheck(count, redacted=redacted)


def verify_chain() -> ChainCheck:
    """Recompute every hash and digest in order (streamed); name the first entry that does not
    match, and count the redacted entries."""
    result = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)
    )
    try:
        return _check(iter(result))
    finally:
        result.close()
