"""Test data built through the real models (never SQL dumps)."""

from datetime import date
from itertools import count

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Enrolment, Role, Scheme, Stage, SupervisorGrade, User, UserRole

DEFAULT_PASSWORD = "correct horse battery"
_numbers = count(1)
_HASH_CACHE: dict[str, str] = {}


def _hash(password: str) -> str:
    """A real, checkable hash of a cheap kind. The app hashes with scrypt, which is slow on
    purpose (~0.1 s per check on our machines); the suite signs in thousands of times, and the
    sign-in check reads the kind of hash from the stored value, so test accounts use one
    round of PBKDF2 and tests reuse one hash per distinct password."""
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = generate_password_hash(password, method="pbkdf2:sha256:1")
    return _HASH_CACHE[password]


def make_user(
    *roles: Role,
    email: str | None = None,
    name: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    grade: SupervisorGrade | None = None,
    active: bool = True,
) -> User:
    """A person with the given roles (flushed, not committed)."""
    n = next(_numbers)
    user = User(
        email=email or f"person{n}@example.org",
        display_name=name or f"Person {n}",
        password_hash=_hash(password) if password else None,
        active=active,
        supervisor_grade=grade
        if grade is not None
        else (SupervisorGrade.SUPERVISOR if Role.SUPERVISOR in roles else None),
    )
    user.role_links = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.flush()
    return user


def current_scheme(code: str = "aviguk-practitioner") -> Scheme:
    """The offered revision of a loaded scheme (load the schemes first)."""
    return db.session.scalars(
        select(Scheme)
        .where(Scheme.code == code, Scheme.offered.is_(True))
        .order_by(Scheme.revision.desc())
    ).first()


def stage_of(scheme: Scheme, number: int) -> Stage:
    """A scheme's stage by number."""
    return next(s for s in scheme.stages if s.number == number)


def enrolled_trainee(started_on: date = date(2026, 1, 5), stage: int = 1) -> Enrolment:
    """A trainee enrolled on the current AVIGuk scheme with an own supervisor (schemes loaded)."""
    from app.services.people import enrolments

    scheme = current_scheme()
    coordinator = make_user(Role.COORDINATOR)
    return enrolments.enrol(
        coordinator,
        make_user(Role.TRAINEE),
        scheme,
        started_on,
        stage_of(scheme, stage),
        make_user(Role.SUPERVISOR),
        date(2026, 11, 24),
    )
