"""People and their roles and grades, managed by coordinators (and the command line)."""

from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from app.authz.rules import may_coordinate
from app.errors import RuleViolation
from app.extensions import db
from app.models import NotifyBy, Role, SupervisorGrade, TokenPurpose, User, UserRole
from app.services import audit
from app.services.people import accounts
from app.services.people.account_status import refuse_if_erased
from app.services.people.coordinators import active_coordinator_count

MAX_NAME_LENGTH = 120


def _snapshot(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(r.value for r in user.roles),
        "supervisor_grade": user.supervisor_grade,
        "active": user.active,
        "locale": user.locale,
    }


def _check(
    email: str,
    display_name: str,
    roles: set[Role],
    grade: SupervisorGrade | None,
    user: User | None = None,
) -> None:
    if not display_name.strip():
        raise RuleViolation("Give the name the person wants to be called.", "display_name")
    if len(display_name) > MAX_NAME_LENGTH:
        raise RuleViolation(
            "Use at most %(limit)s characters.", "display_name", limit=MAX_NAME_LENGTH
        )
    if not roles:
        raise RuleViolation("Choose at least one role.", "roles")
    if Role.SUPERVISOR in roles and grade is None:
        raise RuleViolation("Supervisors need a grade.", "supervisor_grade")
    if not email.rpartition("@")[0].isascii():
        # Mail servers without SMTPUTF8 (and Flask-Mail) cannot address such a mailbox.
        raise RuleViolation(
            "Attune can only e-mail addresses with Latin letters, digits and punctuation "
            "before the @.",
            "email",
        )
    existing = accounts.find_user_by_email(email)
    if existing is not None and existing is not user:
        raise RuleViolation("Someone already uses this e-mail address.", "email")


def _check_locale(locale: str | None) -> None:
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        raise RuleViolation("Choose one of the languages offered.", "locale")


def _apply_roles(user: User, roles: set[Role]) -> None:
    kept = [link for link in user.role_links if link.role in roles]
    added = [UserRole(role=r) for r in sorted(roles - user.roles)]
    user.role_links = kept + added


def create_person(
    actor: User | None,
    email: str,
    display_name: str,
    roles: Iterable[Role],
    grade: SupervisorGrade | None = None,
    password: str | None = None,
    locale: str | None = None,
) -> User:
    """Add a person; with a password they can sign in at once, without one they need an invite.
    `locale`: the language Attune speaks to them in (one offered; English when not given)."""
    role_set = set(roles)
    email = accounts.normalise_email(email)
    _check(email, display_name, role_set, grade)
    _check_locale(locale)
    if password is not None:
        accounts.check_password_rules(password, email, display_name)
    user = User(
        email=email,
        display_name=display_name.strip(),
        supervisor_grade=grade if Role.SUPERVISOR in role_set else None,
    )
    if locale is not None:
        user.locale = locale
    _apply_roles(user, role_set)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", "user", user.id, after=_snapshot(user))
    if password is not None:
        accounts.set_password(actor, user, password)
    return user


def invite_person(
    actor: User | None,
    email: str,
    display_name: str,
    roles: Iterable[Role],
    grade: SupervisorGrade | None,
    valid_for: timedelta,
    locale: str | None = None,
) -> tuple[User, str]:
    """Add a person without a password and issue their one-time invitation link (read, like
    everything Attune sends them, in `locale`)."""
    user = create_person(actor, email, display_name, roles, grade, locale=locale)
    return user, accounts.issue_link(actor, user, TokenPurpose.INVITE, valid_for)


def reinvite(actor: User, user: User, valid_for: timedelta) -> str:
    """A fresh invitation for someone who has not chosen a password yet."""
    refuse_if_erased(user)
    if user.has_password:
        raise RuleViolation("This person has already set a password; they can reset it.")
    return accounts.issue_link(actor, user, TokenPurpose.INVITE, valid_for)


def update_person(
    actor: User,
    user: User,
    display_name: str,
    roles: Iterable[Role],
    grade: SupervisorGrade | None,
) -> User:
    """Change a person's name, roles and supervisor grade."""
    refuse_if_erased(user)
    role_set = set(roles)
    _check(user.email, display_name, role_set, grade, user)
    losing_coordinator = may_coordinate(user) and Role.COORDINATOR not in role_set
    if losing_coordinator and active_coordinator_count() <= 1:
        raise RuleViolation("Attune needs at least one coordinator.", "roles")
    before = _snapshot(user)
    user.display_name = display_name.strip()
    _apply_roles(user, role_set)
    user.supervisor_grade = grade if Role.SUPERVISOR in role_set else None
    db.session.flush()
    after = _snapshot(user)
    if after != before:
        audit.record(actor, "user.updated", "user", user.id, before, after)
    return user


def _own_profile(user: User) -> dict[str, object]:
    return {
        "display_name": user.display_name,
        "timezone": user.timezone,
        "notify_by": user.notify_by,
        "locale": user.locale,
    }


@lru_cache(maxsize=1)
def _real_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def update_own_profile(
    user: User,
    display_name: str,
    timezone: str,
    notify_by: NotifyBy,
    locale: str | None = None,
) -> User:
    """A person changes their name, the time zone dates are shown in (a real one: every page
    and date filter uses it), how they are told and (when given) the language Attune speaks to
    them in, pages and e-mails alike: one the association offers (LANGUAGES)."""
    if not display_name.strip():
        raise RuleViolation("Give the name you want to be called.", "display_name")
    if len(display_name.strip()) > MAX_NAME_LENGTH:
        raise RuleViolation(
            "Use at most %(limit)s characters.", "display_name", limit=MAX_NAME_LENGTH
        )
    if timezone not in _real_zones():
        raise RuleViolation("Choose a time zone that exists, by country and city.", "timezone")
    _check_locale(locale)
    before = _own_profile(user)
    if locale is not None:
        user.locale = locale
    user.display_name = display_name.strip()
    user.timezone = timezone
    user.notify_by = NotifyBy(notify_by)
    db.session.flush()
    after = _own_profile(user)
    if after != before:
        audit.record(user, "user.profile_updated", "user", user.id, before, after)
    return user


def people_query(search: str = "", role: Role | None = None) -> Select[User]:
    """People matching a search on name or e-mail, optionally with a role, by name."""
    query = (
        select(User)
        .options(selectinload(User.role_links))
        .order_by(func.lower(User.display_name), User.id)
    )
    return matching_people(query, search, role)


def matching_people(query: Select[Any], search: str = "", role: Role | None = None) -> Select[Any]:
    """`query` (of users, or of their columns) narrowed to a search on name or e-mail and a
    role."""
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.display_name).like(pattern), func.lower(User.email).like(pattern))
        )
    if role is not None:
        query = query.where(User.role_links.any(UserRole.role == role))
    return query


def supervisors_query() -> Select[User]:
    """Active supervisors, by name."""
    return people_query(role=Role.SUPERVISOR).where(User.active.is_(True))


def supervisor_names() -> Select[int, str]:
    """Active supervisors' ids and names, by name (for a choice of supervisor: no objects)."""
    query: Select[Any] = matching_people(select(User), role=Role.SUPERVISOR)
    return (
        query.where(User.active.is_(True))
        .with_only_columns(User.id, User.display_name)
        .order_by(func.lower(User.display_name), User.id)
    )
