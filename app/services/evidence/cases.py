"""Cases (pseudonymised clients) and the consents that cover their films."""

import secrets
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import Case, CaseSetting, Consent, ConsentScope, Enrolment, User
from app.services import audit
from app.services.evidence.locks import ensure_unlocked
from app.services.evidence.rules import check_not_future, check_text

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_LABEL = 40
MAX_ROLE = 40


def _new_code(enrolment: Enrolment) -> str:
    taken = set(db.session.scalars(select(Case.code).where(Case.enrolment_id == enrolment.id)))
    while True:
        code = "C-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))
        if code not in taken:
            return code


def _snapshot(case: Case) -> dict[str, object]:
    return {
        "code": case.code,
        "label": case.label,
        "setting": case.setting,
        "helping_question": case.helping_question,
        "goals": case.goals,
        "started_on": case.started_on,
        "ended_on": case.ended_on,
    }


def _check_case(label: str, started_on: date, ended_on: date | None, today: date) -> None:
    if len(label) > MAX_LABEL:
        raise RuleViolation("Use at most %(limit)s characters.", "label", limit=MAX_LABEL)
    check_not_future(started_on, today, "started_on")
    if ended_on is not None:
        check_not_future(ended_on, today, "ended_on")
        if ended_on < started_on:
            raise RuleViolation("The case cannot end before it started.", "ended_on")


def create_case(
    actor: User,
    enrolment: Enrolment,
    setting: CaseSetting,
    label: str,
    helping_question: str,
    goals: str,
    started_on: date,
    ended_on: date | None,
    today: date,
) -> Case:
    """Open a case with a generated pseudonymous code."""
    _check_case(label.strip(), started_on, ended_on, today)
    check_text(helping_question, "helping_question")
    check_text(goals, "goals")
    case = Case(
        enrolment=enrolment,
        code=_new_code(enrolment),
        label=label.strip(),
        setting=setting,
        helping_question=helping_question.strip(),
        goals=goals.strip(),
        started_on=started_on,
        ended_on=ended_on,
    )
    db.session.add(case)
    db.session.flush()
    audit.record(actor, "case.created", "case", case.id, after=_snapshot(case))
    return case


def update_case(
    actor: User,
    case: Case,
    setting: CaseSetting,
    label: str,
    helping_question: str,
    goals: str,
    started_on: date,
    ended_on: date | None,
    today: date,
) -> Case:
    """Change a case's details (its code never changes)."""
    ensure_unlocked(case)
    _check_case(label.strip(), started_on, ended_on, today)
    check_text(helping_question, "helping_question")
    check_text(goals, "goals")
    before = _snapshot(case)
    case.setting, case.label = setting, label.strip()
    case.helping_question, case.goals = helping_question.strip(), goals.strip()
    case.started_on, case.ended_on = started_on, ended_on
    db.session.flush()
    if _snapshot(case) != before:
        audit.record(actor, "case.updated", "case", case.id, before, _snapshot(case))
    return case


def default_deletion_date(case: Case, retention_months: int) -> date | None:
    """When a case's films should be deleted by default: its end plus the scheme's months."""
    if case.ended_on is None:
        return None
    return case.ended_on + relativedelta(months=retention_months)


def _consent_snapshot(consent: Consent) -> dict[str, object]:
    return {
        "given_by_role": consent.given_by_role,
        "given_on": consent.given_on,
        "scopes": sorted(consent.scopes),
        "deletion_due_on": consent.deletion_due_on,
        "withdrawn_on": consent.withdrawn_on,
    }


def add_consent(
    actor: User,
    case: Case,
    given_by_role: str,
    given_on: date,
    scopes: set[ConsentScope],
    deletion_due_on: date | None,
    today: date,
) -> Consent:
    """Record consent given by a role ("parent", "teacher"), never a name."""
    role = given_by_role.strip()
    if not role:
        raise RuleViolation("Say who gave consent by their role, e.g. parent.", "given_by_role")
    if len(role) > MAX_ROLE:
        raise RuleViolation("Use at most %(limit)s characters.", "given_by_role", limit=MAX_ROLE)
    check_not_future(given_on, today, "given_on")
    if ConsentScope.FILMING not in scopes:
        raise RuleViolation("Consent must at least cover filming.", "scopes")
    if deletion_due_on is not None and deletion_due_on < given_on:
        raise RuleViolation("Films cannot be due for deletion before consent.", "deletion_due_on")
    consent = Consent(
        case=case,
        given_by_role=role,
        given_on=given_on,
        scopes=sorted(s.value for s in scopes),
        deletion_due_on=deletion_due_on,
    )
    db.session.add(consent)
    db.session.flush()
    audit.record(actor, "consent.added", "consent", consent.id, after=_consent_snapshot(consent))
    return consent


def withdraw_consent(
    actor: User, consent: Consent, on: date, remaining: set[ConsentScope], today: date
) -> Consent:
    """Withdraw consent (wholly, or keep some scopes); film deletion becomes due at once."""
    if consent.withdrawn_on is not None:
        raise RuleViolation("This consent has already been withdrawn.")
    check_not_future(on, today, "withdrawn_on")
    if on < consent.given_on:
        raise RuleViolation("Consent cannot be withdrawn before it was given.", "withdrawn_on")
    if not remaining <= {ConsentScope(s) for s in consent.scopes}:
        raise RuleViolation("Only scopes that were given can remain.", "remaining")
    before = _consent_snapshot(consent)
    consent.withdrawn_on = on
    consent.scopes = sorted(s.value for s in remaining)
    if consent.deletion_due_on is None or consent.deletion_due_on > on:
        consent.deletion_due_on = on
    db.session.flush()
    audit.record(
        actor, "consent.withdrawn", "consent", consent.id, before, _consent_snapshot(consent)
    )
    return consent
