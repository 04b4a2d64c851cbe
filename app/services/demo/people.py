"""Demo data for trying Attune: a few people and an enrolment, created idempotently."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Cohort, CohortKind, Enrolment, Role, Scheme, SupervisorGrade, User, UserRole
from app.services.coordination import cohorts
from app.services.demo.certificates import seed_demo_certificates
from app.services.demo.evidence import DemoPeople, seed_demo_record
from app.services.people import accounts, directory, enrolments


@dataclass(frozen=True)
class DemoAccount:
    """A demo person and the password printed for them."""

    role: Role
    email: str
    password: str
    name: str
    roles: tuple[Role, ...]
    grade: SupervisorGrade | None = None


DEMO_ACCOUNTS = (
    DemoAccount(
        Role.TRAINEE, "trainee@attune.demo", "demo-trainee-pass", "Tess Trainee", (Role.TRAINEE,)
    ),
    DemoAccount(
        Role.SUPERVISOR,
        "supervisor@attune.demo",
        "demo-supervisor-pass",
        "Sam Supervisor",
        (Role.SUPERVISOR,),
        SupervisorGrade.SUPERVISOR,
    ),
    DemoAccount(
        Role.SUPERVISOR,
        "assessor@attune.demo",
        "demo-assessor-pass",
        "Ada Assessor",
        (Role.SUPERVISOR,),
        SupervisorGrade.ADVANCED,
    ),
    DemoAccount(
        Role.COORDINATOR,
        "coordinator@attune.demo",
        "demo-coordinator-pass",
        "Cleo Coordinator",
        (Role.COORDINATOR,),
    ),
)
DEMO_SCHEME_CODE = "aviguk-practitioner"


def _ensure_person(account: DemoAccount) -> User:
    user = accounts.find_user_by_email(account.email)
    if user is None:
        user = directory.create_person(
            None, account.email, account.name, account.roles, account.grade, account.password
        )
    return user


def _demo_scheme() -> Scheme:
    scheme = db.session.scalars(
        select(Scheme)
        .where(Scheme.code == DEMO_SCHEME_CODE, Scheme.offered.is_(True))
        .order_by(Scheme.loaded_at.desc(), Scheme.revision.desc())
    ).first()
    if scheme is None:
        raise LookupError(f"Load the schemes first: no {DEMO_SCHEME_CODE} scheme found.")
    return scheme


@dataclass(frozen=True)
class DemoResult:
    """What seeding made: the accounts to print and the demo certificates (number, status)."""

    accounts: list[DemoAccount]
    certificates: list[tuple[str, str]]


def seed_demo(today: date) -> DemoResult:
    """Create the demo people, the demo trainee's record and two certificates, once."""
    users = {account.email: _ensure_person(account) for account in DEMO_ACCOUNTS}
    trainee, coordinator = users["trainee@attune.demo"], users["coordinator@attune.demo"]
    cast = DemoPeople(
        trainee=trainee,
        supervisor=users["supervisor@attune.demo"],
        assessor=users["assessor@attune.demo"],
        coordinator=coordinator,
    )
    scheme = _demo_scheme()
    already = db.session.scalar(select(Enrolment.id).where(Enrolment.trainee_id == trainee.id))
    if already is None:
        stage_one = next(s for s in scheme.stages if s.number == 1)
        enrolment = enrolments.enrol(
            coordinator,
            trainee,
            scheme,
            today - timedelta(days=300),
            stage_one,
            cast.supervisor,
            today,
        )
        principles = {p.code: p for p in scheme.framework.principles}
        seed_demo_record(enrolment, cast, principles, today)
    issued = seed_demo_certificates(scheme, cast.supervisor, cast.assessor, coordinator, today)
    _seed_cohort(coordinator)
    return DemoResult(list(DEMO_ACCOUNTS), issued)


DEMO_COHORT = "Demo course 2025"


def _seed_cohort(coordinator: User) -> None:
    """One cohort holding every demo trainee, for the coordinator's cohort page."""
    if db.session.scalar(select(Cohort.id).where(Cohort.name == DEMO_COHORT)) is not None:
        return
    cohort = cohorts.create_cohort(
        coordinator, DEMO_COHORT, CohortKind.COURSE, "Everyone trained on the demo course."
    )
    emails = db.session.scalars(
        select(User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.TRAINEE, User.email.like("%@attune.demo"))
    )
    cohorts.add_members(coordinator, cohort, ",".join(emails))
