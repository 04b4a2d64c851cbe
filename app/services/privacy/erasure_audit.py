"""Which audit entries an erasure redacts.

An entry is redacted (its before and after states removed, the rest kept) when:
- its subject is one of the erased accounts, or a record of theirs the erasure deletes or keeps
  only as a shell (an enrolment with a certificate, the certificate itself);
- the erased person acted on a record that no longer exists (their own evidence deleted
  earlier: the entry is all that is left of it);
- its states name the person: any of the names or e-mail addresses the accounts ever had, or a
  name printed on their certificates. Names are matched as whole words, ignoring case, so a
  namesake's entries are redacted too: the chain still holds, only detail is lost.

Entries that record redactions (erasures) are never redacted themselves.
"""

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Certificate, User
from app.services.audit_chain import declared_redactions
from app.services.privacy.erasure_records import SUBJECT_TYPES

# States in entries about an account that hold a name or e-mail address it had.
_IDENTITY_KEYS = ("display_name", "email", "duplicate_email")
# Names this short match too much to be told apart from ordinary words.
_MIN_NAME = 3


@dataclass
class Identity:
    """Everything that names the people being erased."""

    user_ids: set[int]
    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)

    def terms(self) -> list[str]:
        """The names long enough to look for, and the e-mail addresses."""
        return sorted({n for n in self.names if len(n) >= _MIN_NAME} | self.emails)

    def patterns(self) -> list[re.Pattern[str]]:
        """One case-insensitive pattern per name (whole words) and e-mail address."""
        words = [
            re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE)
            for n in sorted(self.names)
            if len(n) >= _MIN_NAME
        ]
        return words + [re.compile(re.escape(e), re.IGNORECASE) for e in sorted(self.emails)]

    def named_in(self, text: str) -> bool:
        """Whether `text` names them."""
        return any(p.search(text) for p in self.patterns())


def _user_entries(user_ids: Collection[int]) -> Iterator[AuditEvent]:
    return iter(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.subject_type == "user",
                AuditEvent.subject_id.in_(user_ids),
                AuditEvent.redacted_at.is_(None),
            )
        )
    )


def identity_of(users: Collection[User], certificate_ids: Collection[int]) -> Identity:
    """The names and addresses the accounts have and had, and the names on their certificates."""
    identity = Identity({u.id for u in users})
    identity.names |= {u.display_name.strip() for u in users}
    identity.emails |= {u.email.strip() for u in users}
    for event in _user_entries(identity.user_ids):
        for state in (event.before, event.after):
            for key in _IDENTITY_KEYS:
                value = state.get(key) if isinstance(state, dict) else None
                if isinstance(value, str) and value.strip():
                    target = identity.emails if "@" in value else identity.names
                    target.add(value.strip())
    printed = select(Certificate.holder_name).where(Certificate.id.in_(certificate_ids))
    identity.names |= {name.strip() for name in db.session.scalars(printed) if name.strip()}
    return identity


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _names_them(event: AuditEvent, patterns: list[re.Pattern[str]]) -> bool:
    return any(p.search(s) for s in _strings([event.before, event.after]) for p in patterns)


def _gone(candidates: dict[str, set[int]]) -> set[tuple[str, int]]:
    """The (subject type, id) pairs among `candidates` whose record no longer exists."""
    gone: set[tuple[str, int]] = set()
    for kind, ids in candidates.items():
        model = SUBJECT_TYPES[kind]
        existing = set(db.session.scalars(select(model.id).where(model.id.in_(ids))))
        gone |= {(kind, i) for i in ids - existing}
    return gone


def entries_to_redact(identity: Identity, subjects: Mapping[str, Collection[int]]) -> list[int]:
    """Ids of the entries to redact (call after the records are deleted)."""
    keys = {(kind, i) for kind, ids in subjects.items() for i in ids}
    keys |= {("user", i) for i in identity.user_ids}
    patterns = identity.patterns()
    chosen: list[int] = []
    acted_on: dict[int, tuple[str, int]] = {}
    result = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.redacted_at.is_(None))
        .order_by(AuditEvent.id)
        .execution_options(yield_per=500)
    )
    try:
        for event in result:
            if declared_redactions(event) is not None:
                continue
            key = (event.subject_type, event.subject_id or 0)
            if key in keys or _names_them(event, patterns):
                chosen.append(event.id)
            elif event.actor_id in identity.user_ids and event.subject_type in SUBJECT_TYPES:
                acted_on[event.id] = key
    finally:
        result.close()
    candidates: dict[str, set[int]] = {}
    for kind, subject_id in acted_on.values():
        candidates.setdefault(kind, set()).add(subject_id)
    gone = _gone(candidates)
    chosen += [event_id for event_id, key in acted_on.items() if key in gone]
    return sorted(chosen)
