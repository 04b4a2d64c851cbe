"""Renewing expiring certificates: the period, its evaluation, the window and who may renew."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, MilestoneKind, Notification
from app.services.certificates import issuing, renewals, verification
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.renewal import (
    NO_RENEWAL,
    accredited,
    add_case,
    add_milestone,
    add_session,
    meet_renewal,
)

ACCREDITED_ON = date(2026, 11, 24)
EXPIRES_ON = date(2029, 11, 24)  # 36 months later
IN_WINDOW = date(2029, 9, 1)


@pytest.fixture
def dutch(ctx):
    load_definitions(None, default_schemes_dir())
    return accredited(accredited_on=ACCREDITED_ON)


def _renew(p, today=IN_WINDOW, actor=None):
    return renewals.renew(actor or p.coordinator, p.certificate, today)


def test_the_period_runs_from_accreditation_to_expiry_and_renewal_opens_six_months_before(dutch):
    assert dutch.certificate.accredited_on == ACCREDITED_ON
    assert dutch.certificate.expires_on == EXPIRES_ON
    assert renewals.renewal_period(dutch.certificate) == renewals.RenewalPeriod(
        ACCREDITED_ON, EXPIRES_ON
    )
    progress = renewals.renewal_progress(dutch.certificate, IN_WINDOW)
    assert progress.opens_on == date(2029, 5, 24) and progress.closes_on == date(2030, 2, 24)
    assert [r.kind for r in progress.requirements] == [
        "cases",
        "supervision_sessions",
        "intervision_sessions",
        "peer_presentations",
    ]
    assert progress.window_open and not progress.all_met


def test_the_evaluation_counts_only_evidence_inside_the_period_up_to_the_day(dutch):
    p, today = dutch, date(2030, 1, 31)
    inside = [ACCREDITED_ON, date(2028, 3, 1), EXPIRES_ON]
    for day in inside:
        add_case(p, day, today)
        add_session(p, day, today)
        add_milestone(p, MilestoneKind.INTERVISION_SESSION, day, today)
    for day in (ACCREDITED_ON - timedelta(days=1), EXPIRES_ON + timedelta(days=1)):
        add_case(p, day, today)
        add_session(p, day, today)
        add_milestone(p, MilestoneKind.PEER_PRESENTATION, day, today)
    cases, sessions, intervision, presentations = renewals.renewal_progress(
        p.certificate, today
    ).requirements
    assert (cases.achieved, cases.required) == (3, 10)
    assert sessions.achieved == 3 and sessions.met
    assert sessions.reached_on == EXPIRES_ON
    assert intervision.achieved == 3 and presentations.achieved == 0
    earlier = renewals.renewal_progress(p.certificate, date(2028, 6, 1)).requirements
    assert [r.achieved for r in earlier] == [2, 2, 2, 0]  # nothing dated after the day counts


def test_a_certificate_of_a_scheme_without_renewal_has_no_period_and_is_not_renewed(ctx):
    load_definitions(None, default_schemes_dir())
    p = accredited(NO_RENEWAL)
    assert p.certificate.expires_on is None
    assert renewals.renewal_period(p.certificate) is None
    assert renewals.renewal_progress(p.certificate, IN_WINDOW) is None
    with pytest.raises(RuleViolation, match="do not expire"):
        _renew(p)


def test_renewal_is_refused_with_what_is_missing(dutch):
    meet_renewal(dutch, date(2028, 1, 10), IN_WINDOW, cases_=4)
    with pytest.raises(RuleViolation) as refused:
        _renew(dutch)
    assert refused.value.message == (
        "Not yet renewable, still missing: At least 10 cases in the last 3 years (4 of 10)."
    )
    assert dutch.certificate.superseded_by_id is None


def test_nothing_met_lists_every_requirement(dutch):
    with pytest.raises(RuleViolation) as refused:
        _renew(dutch)
    for label in (
        "At least 10 cases in the last 3 years (0 of 10)",
        "At least 3 supervisions in the last 3 years (0 of 3)",
        "Take part in a peer group (intervision) (0 of 1)",
        "Present your work at least once in the peer group (0 of 1)",
    ):
        assert label in refused.value.message


@pytest.mark.parametrize("who", ["trainee", "supervisor"])
def test_only_a_coordinator_renews(dutch, who):
    meet_renewal(dutch, date(2028, 1, 10), IN_WINDOW)
    with pytest.raises(RuleViolation, match="Only a coordinator"):
        _renew(dutch, actor=getattr(dutch, who))


def test_revoked_and_superseded_certificates_are_not_renewed(dutch):
    meet_renewal(dutch, date(2028, 1, 10), IN_WINDOW)
    old = dutch.certificate
    replacement = issuing.reissue(dutch.coordinator, old, "Tess Married-Name")
    with pytest.raises(RuleViolation, match="Only a current certificate can be renewed"):
        _renew(dutch)
    issuing.revoke(dutch.coordinator, replacement, "Obtained by mistake")
    with pytest.raises(RuleViolation, match="Only a current certificate can be renewed"):
        renewals.renew(dutch.coordinator, replacement, IN_WINDOW)
    assert renewals.renewal_progress(old, IN_WINDOW) is None


@pytest.mark.parametrize(
    ("today", "message"),
    [
        (date(2029, 5, 23), "Renewal opens on May 24, 2029, 6 months before"),
        (date(2030, 2, 25), "Renewal closed on Feb 24, 2030, 3 months after"),
    ],
)
def test_renewal_is_refused_outside_its_window(dutch, today, message):
    meet_renewal(dutch, date(2028, 1, 10), today)
    with pytest.raises(RuleViolation, match=message):
        _renew(dutch, today=today)


@pytest.mark.parametrize("today", [date(2029, 5, 24), EXPIRES_ON, date(2030, 2, 24)])
def test_renewal_is_allowed_on_every_day_of_the_window(dutch, today):
    meet_renewal(dutch, date(2028, 1, 10), today)
    assert _renew(dutch, today=today).expires_on == date(2032, 11, 24)


def test_renewing_issues_a_new_certificate_that_supersedes_the_old_one(dutch):
    meet_renewal(dutch, date(2028, 1, 10), IN_WINDOW)
    old = dutch.certificate
    new = _renew(dutch)
    assert new.number != old.number and new.id != old.id
    assert old.superseded_by_id == new.id
    assert (new.holder_name, new.body, new.scheme_title, new.scheme_version) == (
        old.holder_name,
        old.body,
        old.scheme_title,
        old.scheme_version,
    )
    assert new.accredited_on == ACCREDITED_ON
    assert new.expires_on == date(2032, 11, 24)
    assert new.evidence_digest == old.evidence_digest
    assert issuing.current_certificate(dutch.enrolment) == new
    record = verification.public_record(old, IN_WINDOW)
    assert record["status"] == "superseded" and record["superseded_by"] == new.number
    assert verification.public_record(new, IN_WINDOW)["status"] == "valid"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate.renewed")
    ).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        dutch.coordinator.id,
        "certificate",
        old.id,
    )
    assert event.before["expires_on"] == "2029-11-24"
    assert event.after["number"] == new.number and event.after["expires_on"] == "2032-11-24"
    [notice] = db.session.scalars(
        select(Notification).where(Notification.kind == "certificate_renewed")
    ).all()
    assert notice.user_id == dutch.trainee.id
    assert new.number in notice.message and "valid until Nov 24, 2032." in notice.message
    assert notice.link == f"certificates.show?certificate_id={new.id}"


def test_a_renewed_certificate_starts_a_new_period_the_day_after_the_old_expiry(dutch):
    meet_renewal(dutch, date(2028, 1, 10), IN_WINDOW)
    new = _renew(dutch)
    period = renewals.renewal_period(new)
    assert period == renewals.RenewalPeriod(date(2029, 11, 25), date(2032, 11, 24))
    later = date(2030, 6, 1)
    progress = renewals.renewal_progress(new, later)
    assert [r.achieved for r in progress.requirements] == [0, 0, 0, 0]  # evidence starts afresh
    assert not progress.window_open
    renamed = issuing.reissue(dutch.coordinator, new, "Tess Married-Name")
    assert renewals.renewal_period(renamed) == period  # a re-issue keeps the period
    with pytest.raises(RuleViolation, match="Renewal opens on May 24, 2032"):
        renewals.renew(dutch.coordinator, renamed, later)
