"""Cohorts: a coordinator groups trainees (a course, a region, an employer) to follow them
together. Membership is by person, so a trainee's later enrolments stay in the cohort."""

import re
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app.errors import RuleViolation
from app.extensions import db
from app.models import Cohort, CohortKind, CohortMember, Enrolment, Role, User, UserRole
from app.models.cohort import NAME_KEY_LENGTH
from app.phrase import Phrase, Value, counted
from app.services import audit
from app.services.evidence.rules import check_text
from app.services.plain_text import comparison_key
from app.services.row_locks import locked

MAX_NAME = 120
MAX_ADDRESSES = 500
DUPLICATE = Phrase("Another cohort already has this name.")


def _check_name(name: str, cohort_id: int | None) -> tuple[str, str]:
    """The name as it will be kept, and its comparison key; refused when another has it."""
    name = " ".join(name.split())
    if not name:
        raise RuleViolation("Give the cohort a name.", "name")
    if len(name) > MAX_NAME:
        raise RuleViolation("Keep the name to %(limit)s characters.", "name", limit=MAX_NAME)
    key = comparison_key(name)
    if len(key) > NAME_KEY_LENGTH:
        raise RuleViolation("Use a shorter name.", "name")
    if _taken(key, cohort_id):
        raise RuleViolation(DUPLICATE, "name")
    return name, key


def _taken(key: str, cohort_id: int | None) -> bool:
    found = select(Cohort.id).where(Cohort.name_key == key, Cohort.id != (cohort_id or 0))
    return db.session.scalar(found) is not None


def _save_name(cohort: Cohort, name: str, key: str) -> None:
    """Name the cohort and flush it. A cohort of the same name saved by someone else at the
    same instant passes the check, then the database refuses the second one: that refusal is
    the same message. (The savepoint keeps the rest of the transaction usable.)"""
    cohort_id = cohort.id
    try:
        with db.session.begin_nested():
            cohort.name, cohort.name_key = name, key
            db.session.add(cohort)
            db.session.flush()
    except IntegrityError:
        if _taken(key, cohort_id):
            raise RuleViolation(DUPLICATE, "name") from None
        raise


def create_cohort(actor: User, name: str, kind: CohortKind, description: str) -> Cohort:
    """A new, empty cohort."""
    check_text(description, "description", 2000)
    name, key = _check_name(name, None)
    cohort = Cohort(kind=kind, description=description.strip(), created_by_id=actor.id)
    _save_name(cohort, name, key)
    audit.record(actor, "cohort.created", "cohort", cohort.id, after={"name": cohort.name})
    return cohort


def update_cohort(
    actor: User, cohort: Cohort, name: str, kind: CohortKind, description: str
) -> Cohort:
    """Rename or re-describe a cohort."""
    check_text(description, "description", 2000)
    before = {"name": cohort.name, "kind": cohort.kind}
    name, key = _check_name(name, cohort.id)
    cohort.kind, cohort.description = kind, description.strip()
    _save_name(cohort, name, key)
    audit.record(
        actor, "cohort.updated", "cohort", cohort.id, before, {"name": cohort.name, "kind": kind}
    )
    return cohort


def parse_addresses(text: str) -> list[str]:
    """E-mail addresses separated by commas, semicolons, spaces or lines, lower-cased, once."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\s,;]+", text):
        if part:
            seen.setdefault(part.strip().lower(), None)
    return list(seen)


def add_members(actor: User, cohort: Cohort, addresses_text: str) -> list[User]:
    """Add the trainees with these e-mail addresses; all or none: an unknown address, or one of
    someone who is not a trainee, refuses the whole list. Returns who was newly added. The
    cohort's row is locked first: the same people added twice at once are added once, and the
    second request finds them already there."""
    cohort = locked(cohort)
    addresses = parse_addresses(addresses_text)
    if not addresses:
        raise RuleViolation("Give at least one trainee's e-mail address.", "addresses")
    if len(addresses) > MAX_ADDRESSES:
        raise RuleViolation(
            "Add at most %(limit)s people at a time.", "addresses", limit=MAX_ADDRESSES
        )
    found = {
        user.email.lower(): user
        for user in db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(func.lower(User.email).in_(addresses), UserRole.role == Role.TRAINEE)
        )
    }
    unknown = [a for a in addresses if a not in found]
    if unknown:
        shown: tuple[Value, ...] = tuple(unknown[:10])
        if len(unknown) > 10:
            shown += (counted("%(num)s more", "%(num)s more", num=len(unknown) - 10),)
        raise RuleViolation(
            "No trainee has these addresses: %(addresses)s. Nobody was added.",
            "addresses",
            addresses=shown,
        )
    present = set(
        db.session.scalars(
            select(CohortMember.user_id).where(
                CohortMember.cohort_id == cohort.id,
                CohortMember.user_id.in_([u.id for u in found.values()]),
            )
        )
    )
    added = [user for user in found.values() if user.id not in present]
    for user in added:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, added_by_id=actor.id))
    db.session.flush()
    if added:
        audit.record(
            actor,
            "cohort.members_added",
            "cohort",
            cohort.id,
            after={"user_ids": sorted(u.id for u in added)},
        )
    return added


def remove_member(actor: User, cohort: Cohort, user_id: int) -> None:
    """Take a trainee out of a cohort (their records are untouched)."""
    member = db.session.scalar(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id
        )
    )
    if member is None:
        raise RuleViolation("This person is not in the cohort.")
    db.session.delete(member)
    db.session.flush()
    audit.record(actor, "cohort.member_removed", "cohort", cohort.id, before={"user_id": user_id})


def delete_cohort(actor: User, cohort: Cohort) -> None:
    """Delete a cohort; its trainees and their records stay as they are."""
    before = {"name": cohort.name, "members": len(cohort.members)}
    cohort_id = cohort.id
    db.session.delete(cohort)
    db.session.flush()
    audit.record(actor, "cohort.deleted", "cohort", cohort_id, before=before)


def members_of(cohort: Cohort) -> list[User]:
    """The cohort's trainees, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(func.lower(User.display_name), User.id)
        )
    )


_UNENROLLED = (  # built once: the cohort page runs it on every view
    select(User.id, User.display_name)
    .join(CohortMember, CohortMember.user_id == User.id)
    .where(
        CohortMember.cohort_id == bindparam("cohort_id"),
        ~select(Enrolment.id).where(Enrolment.trainee_id == User.id).exists(),
    )
    .order_by(func.lower(User.display_name), User.id)
)


def unenrolled_members(cohort: Cohort) -> list[Any]:
    """Members with no enrolment at all (invited, not yet enrolled), by name: rows of their id
    and display_name."""
    return list(db.session.execute(_UNENROLLED, {"cohort_id": cohort.id}))
